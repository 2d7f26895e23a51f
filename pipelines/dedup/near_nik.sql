-- Pass 2: a DTKS person whose NIK is one substitution or one adjacent transposition away
-- from the row's, with the same birth date or No KK and a near-identical name (nama_sim >=
-- 0.95; >= 0.85 within the same No KK). Common first names make 0.90 frequent between
-- strangers born the same day in the same kecamatan, whose NIK serials are consecutive. Blocking: a substitution leaves one half of the NIK intact and a swap across
-- the middle leaves the first and last seven digits, so candidates share the birth date and
-- a NIK half, or share the No KK.
WITH q AS (
    SELECT row_id, nik, no_kk, nama_norm(nama_key) AS nn, tanggal_lahir, nama_ibu_kandung,
           tempat_lahir
    FROM __dtks_query WHERE nik_ok
),
d AS (
    SELECT id_dtks, nik, no_kk, nama, tanggal_lahir, nama_ibu_kandung, tempat_lahir
    FROM dtks_current WHERE regexp_full_match(nik, '[0-9]{16}')
),
pairs AS (
    SELECT q.row_id, d.id_dtks FROM q JOIN d
        ON d.tanggal_lahir = q.tanggal_lahir AND left(d.nik, 8) = left(q.nik, 8)
    UNION
    SELECT q.row_id, d.id_dtks FROM q JOIN d
        ON d.tanggal_lahir = q.tanggal_lahir AND right(d.nik, 8) = right(q.nik, 8)
    UNION
    SELECT q.row_id, d.id_dtks FROM q JOIN d
        ON d.tanggal_lahir = q.tanggal_lahir AND left(d.nik, 7) = left(q.nik, 7)
        AND right(d.nik, 7) = right(q.nik, 7)
    UNION
    SELECT q.row_id, d.id_dtks FROM q JOIN d ON d.no_kk = q.no_kk
)
SELECT q.row_id, d.id_dtks,
       nama_sim(q.nn, nama_norm(d.nama)) AS name_sim,
       d.tanggal_lahir = q.tanggal_lahir AS same_birth,
       coalesce(d.no_kk = q.no_kk, false) AS same_kk,
       nama_sim(nama_norm(q.nama_ibu_kandung), nama_norm(d.nama_ibu_kandung)) AS mother_sim,
       coalesce(upper(d.tempat_lahir) = upper(q.tempat_lahir), false) AS same_place
FROM pairs
JOIN q USING (row_id)
JOIN d USING (id_dtks)
WHERE d.nik <> q.nik
  AND damerau_levenshtein(d.nik, q.nik) = 1
  AND ((d.tanggal_lahir = q.tanggal_lahir AND nama_sim(q.nn, nama_norm(d.nama)) >= 0.95)
       OR (d.no_kk = q.no_kk AND nama_sim(q.nn, nama_norm(d.nama)) >= 0.85))
QUALIFY row_number() OVER (PARTITION BY q.row_id ORDER BY name_sim DESC, d.id_dtks) = 1

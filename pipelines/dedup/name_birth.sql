-- Pass 3: where the row's NIK or the DTKS person's NIK is missing or broken, a person born the
-- same day in the same kecamatan (or in the same No KK) with a near-identical name and one more
-- piece of evidence: the same No KK, a similar mother's name, the same birthplace, or an
-- almost identical name (>= 0.97); or, whatever the birth date, the same No KK with a
-- near-identical name and mother's name. Every candidate that passes is returned:
-- store_match ranks them by all the evidence.
WITH q AS MATERIALIZED (
    SELECT row_id, nik, nik_ok, no_kk, nama_norm(nama_key) AS nn, tanggal_lahir,
           nama_ibu_kandung, tempat_lahir, kode_wilayah, left(kode_wilayah, 6) AS kec
    FROM __dtks_query WHERE tanggal_lahir IS NOT NULL AND nama_key IS NOT NULL
),
d AS (
    SELECT id_dtks, nik, regexp_full_match(coalesce(nik, ''), '[0-9]{16}') AS nik_ok, no_kk,
           nama, tanggal_lahir, nama_ibu_kandung, tempat_lahir, kode_wilayah,
           left(kode_wilayah, 6) AS kec
    FROM dtks_current
),
pairs AS (  -- split so that each side's NIK test is pushed below the join
    SELECT q.row_id, d.id_dtks FROM q JOIN d
        ON d.tanggal_lahir = q.tanggal_lahir AND d.kec = q.kec WHERE NOT q.nik_ok
    UNION
    SELECT q.row_id, d.id_dtks FROM q JOIN d
        ON d.tanggal_lahir = q.tanggal_lahir AND d.kec = q.kec WHERE q.nik_ok AND NOT d.nik_ok
    UNION
    SELECT q.row_id, d.id_dtks FROM q JOIN d ON d.no_kk = q.no_kk
        WHERE NOT (q.nik_ok AND d.nik_ok)
),
scored AS (
    SELECT q.row_id, d.id_dtks, q.nik_ok AS row_nik_ok, d.nik_ok AS dtks_nik_ok,
           nama_sim(q.nn, nama_norm(d.nama)) AS name_sim,
           d.tanggal_lahir = q.tanggal_lahir AS same_birth,
           coalesce(d.no_kk = q.no_kk, false) AS same_kk,
           nama_sim(nama_norm(q.nama_ibu_kandung), nama_norm(d.nama_ibu_kandung)) AS mother_sim,
           coalesce(upper(d.tempat_lahir) = upper(q.tempat_lahir), false) AS same_place,
           coalesce(d.kode_wilayah = q.kode_wilayah, false) AS same_kelurahan,
           coalesce(d.kec = q.kec, false) AS same_kecamatan
    FROM pairs JOIN q USING (row_id) JOIN d USING (id_dtks)
    WHERE NOT (q.nik_ok AND d.nik_ok)
)
SELECT * FROM scored
WHERE (name_sim >= 0.9 AND same_birth
       AND (same_kk OR mother_sim >= 0.85 OR same_place OR name_sim >= 0.97))
   -- a birth-date typo: the same household and a near-identical name
   OR (same_kk AND name_sim >= 0.95 AND mother_sim >= 0.85)

-- Pass 3: where the row's NIK or the DTKS person's NIK is missing or broken:
-- - a person born the same day in the same kecamatan (or in the same No KK) with a name >=
--   $name_close and one more piece of evidence: the same No KK, a similar mother's name
--   (>= $mother_similar), the same birthplace (most are born in the kota: with a name >=
--   $name_near), or an almost identical name (>= $name_same);
-- - in the same No KK, a near-identical name (>= $name_near) and a birth date with a typo
--   (day and month swapped, or one of day, month, year different) or a similar mother's name;
-- - anywhere in the register (a household that moved to another kecamatan and got a new
--   No KK), the same birth date and sex, a near-identical name (>= $name_near) and a similar
--   mother's name. Cheap character-level tests on the raw names go first ($mother_prefilter,
--   $letters_prefilter), so the costly name normalisation runs on few of these pairs.
-- The thresholds are bound from rules.py.
-- Every candidate that passes is returned: store_match ranks them by all the evidence.
WITH q AS MATERIALIZED (
    SELECT row_id, nik_ok, no_kk, nn, tanggal_lahir::DATE AS tanggal_lahir, jenis_kelamin,
           nama_ibu_kandung, ibu_n AS ibu, tempat_lahir, kode_wilayah,
           left(kode_wilayah, 6) AS kec
    FROM __dtks_query WHERE tanggal_lahir IS NOT NULL AND nama_key IS NOT NULL
),
-- every register person (read only for the rows whose own NIK is broken) ...
d AS NOT MATERIALIZED (
    SELECT id_dtks, no_kk, nama, tanggal_lahir, jenis_kelamin, nama_ibu_kandung,
           left(kode_wilayah, 6) AS kec
    FROM dtks_current
),
-- ... and those registered with a broken NIK, for every row
broken AS MATERIALIZED (
    SELECT * FROM (
        SELECT id_dtks, nik, no_kk, nama, tanggal_lahir, jenis_kelamin, nama_ibu_kandung,
               left(kode_wilayah, 6) AS kec
        FROM dtks_current
    ) WHERE NOT regexp_full_match(coalesce(nik, ''), '[0-9]{16}')
),
pairs AS (  -- a row with a good NIK meets only persons registered with a broken one
    SELECT q.row_id, d.id_dtks FROM q JOIN d
        ON d.tanggal_lahir = q.tanggal_lahir AND d.kec = q.kec WHERE NOT q.nik_ok
    UNION
    SELECT q.row_id, d.id_dtks FROM q JOIN broken AS d
        ON d.tanggal_lahir = q.tanggal_lahir AND d.kec = q.kec WHERE q.nik_ok
    UNION
    SELECT q.row_id, d.id_dtks FROM q JOIN d ON d.no_kk = q.no_kk WHERE NOT q.nik_ok
    UNION
    SELECT q.row_id, d.id_dtks FROM q JOIN broken AS d ON d.no_kk = q.no_kk WHERE q.nik_ok
    UNION
    SELECT q.row_id, d.id_dtks FROM q JOIN d
        ON d.tanggal_lahir = q.tanggal_lahir AND d.jenis_kelamin = q.jenis_kelamin
        WHERE NOT q.nik_ok AND q.ibu <> ''
          AND jaro_winkler_similarity(q.ibu, upper(d.nama_ibu_kandung)) >= $mother_prefilter
          AND jaccard(replace(q.nn, ' ', ''), upper(d.nama)) >= $letters_prefilter
    UNION
    SELECT q.row_id, d.id_dtks FROM q JOIN broken AS d
        ON d.tanggal_lahir = q.tanggal_lahir AND d.jenis_kelamin = q.jenis_kelamin
        WHERE q.nik_ok AND q.ibu <> ''
          AND jaro_winkler_similarity(q.ibu, upper(d.nama_ibu_kandung)) >= $mother_prefilter
          AND jaccard(replace(q.nn, ' ', ''), upper(d.nama)) >= $letters_prefilter
),
-- Names are normalised once per pair and compared as columns (a macro inside a filter is
-- expanded at every use); mothers' names only where the name is close enough for a rule.
named AS MATERIALIZED (
    SELECT q.row_id, d.id_dtks, q.nik_ok AS row_nik_ok,
           regexp_full_match(coalesce(d.nik, ''), '[0-9]{16}') AS dtks_nik_ok, q.nn,
           nama_norm(d.nama) AS d_nn, q.ibu, d.nama_ibu_kandung AS d_ibu,
           q.tanggal_lahir AS q_lahir, d.tanggal_lahir, q.no_kk AS q_kk, d.no_kk,
           q.jenis_kelamin AS q_jk, d.jenis_kelamin, q.tempat_lahir AS q_tempat, d.tempat_lahir,
           q.kode_wilayah AS q_wilayah, d.kode_wilayah, q.kec AS q_kec, left(d.kode_wilayah, 6) AS kec
    FROM pairs JOIN q USING (row_id) JOIN dtks_current AS d USING (id_dtks)
    WHERE NOT (q.nik_ok AND regexp_full_match(coalesce(d.nik, ''), '[0-9]{16}'))
),
close AS MATERIALIZED (
    SELECT *, nama_norm(d_ibu) AS d_ibu_n
    FROM (SELECT *, nama_sim(nn, d_nn) AS name_sim FROM named) WHERE name_sim >= $name_close
),
scored AS MATERIALIZED (
    SELECT row_id, id_dtks, row_nik_ok, dtks_nik_ok, name_sim,
           tanggal_lahir = q_lahir AS same_birth,
           (day(tanggal_lahir) = month(q_lahir) AND month(tanggal_lahir) = day(q_lahir)
            AND year(tanggal_lahir) = year(q_lahir))
           OR (day(tanggal_lahir) = day(q_lahir))::INT
              + (month(tanggal_lahir) = month(q_lahir))::INT
              + (year(tanggal_lahir) = year(q_lahir))::INT = 2 AS birth_typo,
           coalesce(no_kk = q_kk, false) AS same_kk,
           coalesce(jenis_kelamin = q_jk, false) AS same_sex,
           nama_sim(ibu, d_ibu_n) AS mother_sim,
           coalesce(upper(tempat_lahir) = upper(q_tempat), false) AS same_place,
           coalesce(kode_wilayah = q_wilayah, false) AS same_kelurahan,
           coalesce(kec = q_kec, false) AS same_kecamatan
    FROM close
)
SELECT * FROM scored
WHERE (name_sim >= $name_close AND same_birth AND (same_kecamatan OR same_kk)
       AND (same_kk OR mother_sim >= $mother_similar OR (same_place AND name_sim >= $name_near)
            OR name_sim >= $name_same))
   -- a birth-date typo: the same household and a near-identical name
   OR (same_kk AND name_sim >= $name_near AND (mother_sim >= $mother_similar OR birth_typo))
   -- moved away: born the same day, same sex, near-identical name and mother's name
   OR (same_birth AND same_sex AND name_sim >= $name_near AND mother_sim >= $mother_similar)

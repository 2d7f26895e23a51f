-- Pass 2: a DTKS person whose NIK is one substitution or one adjacent transposition away
-- from the row's, with the same birth date or No KK and a near-identical name (nama_sim >=
-- $name_near; >= $name_similar within the same No KK); by birth date, not when the No KK and
-- the mother's name (given on both sides, similarity < $mother_other) both differ; a name >=
-- $name_similar where also the mother's name (>= $mother_similar) and the kelurahan agree.
-- Common first names make 0.90 frequent between strangers born the same day in the same
-- kecamatan, whose NIK serials are consecutive. Two slips: the same birth date, a name >=
-- $name_near, and the same No KK or else the same mother's name (>= $mother_same), sex and
-- birthplace. The thresholds are bound from rules.py.
--
-- Blocking (blocking.py, the same for batch_near.sql): the birth date and the NIK with one
-- window of digits left free, and the same No KK. The register is read once into the few
-- columns the blocks join on; each block's hash table is built on the rows (the register's
-- 16-character NIKs are selected with LIKE: DuckDB estimates `length(nik) = 16` as one row
-- and would build every table on the register). The other columns are read for the pairs
-- one or two edits apart; the register's names are normalised only where the other facts
-- leave a rule that can hold (MATERIALIZED keeps each step after its filter); the rows'
-- names come normalised (store_match.query_frame).
--
-- Every candidate that passes is returned: store_match ranks them by all the evidence.
WITH q AS MATERIALIZED (
    SELECT row_id, nik, no_kk, tanggal_lahir, jenis_kelamin, /* keys */
    FROM (SELECT *, TRY_CAST(nik AS BIGINT) AS nik_int FROM __dtks_query WHERE nik_ok)
),
d AS MATERIALIZED (
    SELECT id_dtks, nik, no_kk, tanggal_lahir, jenis_kelamin, /* keys */
    FROM (SELECT *, TRY_CAST(nik AS BIGINT) AS nik_int FROM dtks_current
          WHERE nik LIKE '________________')
),
pairs AS MATERIALIZED (
    /* pairs */
),
edits AS MATERIALIZED (
    SELECT pairs.row_id, pairs.id_dtks, pairs.nik_edits,
           q.nn, d.nama, q.tanggal_lahir AS q_lahir, d.tanggal_lahir,
           q.no_kk AS q_kk, d.no_kk, q.nama_ibu_kandung AS q_ibu, q.ibu_n AS q_ibu_n,
           d.nama_ibu_kandung,
           q.tempat_lahir AS q_tempat, d.tempat_lahir, q.kode_wilayah AS q_wilayah, d.kode_wilayah,
           q.jenis_kelamin AS q_jk, d.jenis_kelamin
    FROM pairs JOIN __dtks_query AS q USING (row_id) JOIN dtks_current AS d USING (id_dtks)
    -- two slips count only with the same birth date, and the same No KK or the same sex
    -- and birthplace (the full rule below)
    WHERE pairs.nik_edits = 1
       OR (d.tanggal_lahir = q.tanggal_lahir
           AND (coalesce(d.no_kk = q.no_kk, false)
                OR (coalesce(d.jenis_kelamin = q.jenis_kelamin, false)
                    AND coalesce(upper(d.tempat_lahir) = upper(q.tempat_lahir), false))))
),
-- The register's names are normalised once per pair and compared as columns (a macro inside
-- a filter is expanded at every use); mothers' names only where the name is close enough.
named AS MATERIALIZED (SELECT *, nama_norm(nama) AS d_nn FROM edits),
close AS MATERIALIZED (
    SELECT *, nama_norm(nama_ibu_kandung) AS d_ibu_n
    FROM (SELECT *, nama_sim(nn, d_nn) AS name_sim FROM named) WHERE name_sim >= $name_similar
),
scored AS MATERIALIZED (
    SELECT row_id, id_dtks, nik_edits, name_sim,
           tanggal_lahir = q_lahir AS same_birth, coalesce(no_kk = q_kk, false) AS same_kk,
           nama_sim(q_ibu_n, d_ibu_n) AS mother_sim,
           coalesce(upper(tempat_lahir) = upper(q_tempat), false) AS same_place,
           coalesce(jenis_kelamin = q_jk, false) AS same_sex,
           coalesce(q_ibu, '') <> '' AND coalesce(nama_ibu_kandung, '') <> '' AS both_mothers,
           coalesce(kode_wilayah = q_wilayah, false) AS same_kelurahan,
           coalesce(left(kode_wilayah, 6) = left(q_wilayah, 6), false) AS same_kecamatan
    FROM close
)
SELECT * FROM scored
WHERE (nik_edits = 1 AND ((same_birth AND name_sim >= $name_near
                           -- unless two things say stranger: another household and mother
                           AND (same_kk OR NOT both_mothers OR mother_sim >= $mother_other))
                          -- a name typo more, where the mother's name and kelurahan agree
                          OR (same_birth AND name_sim >= $name_similar
                              AND mother_sim >= $mother_similar AND same_kelurahan)
                          OR (same_kk AND name_sim >= $name_similar)))
   -- two slips in one NIK: born the same day, same name and household, or else the same
   -- mother's name, sex and birthplace (strangers born the same day in one kecamatan have
   -- NIKs a digit or two apart, and common names)
   OR (nik_edits = 2 AND same_birth AND name_sim >= $name_near
       AND (same_kk OR (mother_sim >= $mother_same AND same_sex AND same_place)))

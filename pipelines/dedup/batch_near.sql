-- In-batch: a later row whose NIK is one digit away from an earlier row's, with a
-- near-identical name (>= $name_near) and the same birth date, or a similar one (>=
-- $name_similar) and the same No KK; two digits away, the same birth date, No KK and a
-- near-identical name. Blocking of near_nik.sql (blocking.py). Each row's name is normalised
-- once (a kab/kota's persons born the same day in neighbouring kecamatan have NIKs one digit
-- apart: at 1M rows the pairs outnumber the rows five to one), and names are compared only
-- on the pairs the other facts leave a rule for.
WITH q AS MATERIALIZED (
    SELECT row_id, nik, no_kk, nama_norm(nama_key) AS nn, tanggal_lahir, source_file, source_sheet,
           source_row, /* keys */
    FROM (SELECT *, TRY_CAST(nik AS BIGINT) AS nik_int FROM __dtks_batch WHERE nik_ok)
),
pairs AS MATERIALIZED (
    /* pairs */
),
edits AS MATERIALIZED (
    SELECT a.row_id, b.row_id AS earlier_row_id, b.source_file, b.source_sheet, b.source_row,
           a.nn, b.nn AS earlier_nn,
           a.tanggal_lahir = b.tanggal_lahir AS same_birth,
           a.no_kk = b.no_kk AS same_kk, pairs.nik_edits
    FROM pairs
    JOIN q AS a ON a.row_id = pairs.later
    JOIN q AS b ON b.row_id = pairs.earlier
    -- what the rule below needs besides the names: the names are compared only there
    WHERE (pairs.nik_edits = 1 AND (same_birth OR same_kk))
       OR (pairs.nik_edits = 2 AND same_kk AND same_birth)
),
scored AS MATERIALIZED (SELECT *, nama_sim(nn, earlier_nn) AS name_sim FROM edits)
SELECT row_id, earlier_row_id, source_file, source_sheet, source_row, nik_edits, name_sim
FROM scored
WHERE (nik_edits = 1 AND ((same_birth AND name_sim >= $name_near)
                         OR (same_kk AND name_sim >= $name_similar)))
   OR (nik_edits = 2 AND same_kk AND same_birth AND name_sim >= $name_near)
QUALIFY row_number() OVER (PARTITION BY row_id ORDER BY earlier_row_id) = 1

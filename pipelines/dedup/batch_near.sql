-- In-batch: a later row whose NIK is one digit away from an earlier row's, with a
-- near-identical name (>= $name_near) and the same birth date, or a similar one (>=
-- $name_similar) and the same No KK; two digits away, the same birth date, No KK and a
-- near-identical name. Blocking of near_nik.sql (blocking.py).
WITH q AS MATERIALIZED (
    SELECT row_id, nik, no_kk, nama_norm(nama_key) AS nn, tanggal_lahir, source_file,
           source_sheet, source_row
    FROM __dtks_batch WHERE nik_ok
),
pairs AS (
    /* pairs */
),
edits AS MATERIALIZED (
    SELECT a.row_id, b.row_id AS earlier_row_id, b.source_file, b.source_sheet, b.source_row,
           a.nn, b.nn AS earlier_nn, a.tanggal_lahir = b.tanggal_lahir AS same_birth,
           a.no_kk = b.no_kk AS same_kk, damerau_levenshtein(a.nik, b.nik) AS nik_edits
    FROM pairs
    JOIN q AS a ON a.row_id = pairs.later
    JOIN q AS b ON b.row_id = pairs.earlier
    WHERE a.nik <> b.nik AND damerau_levenshtein(a.nik, b.nik) <= 2
)
SELECT row_id, earlier_row_id, source_file, source_sheet, source_row, nik_edits,
       nama_sim(nn, earlier_nn) AS name_sim
FROM edits
WHERE (nik_edits = 1 AND ((same_birth AND nama_sim(nn, earlier_nn) >= $name_near)
                         OR (same_kk AND nama_sim(nn, earlier_nn) >= $name_similar)))
   OR (nik_edits = 2 AND same_kk AND same_birth AND nama_sim(nn, earlier_nn) >= $name_near)
QUALIFY row_number() OVER (PARTITION BY row_id ORDER BY earlier_row_id) = 1

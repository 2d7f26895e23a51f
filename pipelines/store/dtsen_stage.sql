-- Stage a normalised DTSEN version (Parquet parts written by pipelines/ingest/dtsen.py) as
-- the scratch table __dtks_dtsen_rows, with each row's hash (MD5 over the values, a NULL is
-- '' and a value '=' || value, as snapshot_stage.sql does).
CREATE TABLE __dtks_dtsen_rows AS
SELECT *, md5_number_lower(concat_ws(chr(31),
    no_kk, coalesce('=' || nama_kepala_keluarga, ''),
    coalesce('=' || CAST(desil_nasional AS VARCHAR), ''),
    coalesce('=' || CAST(desil_provinsi AS VARCHAR), ''),
    coalesce('=' || CAST(desil_kabupaten_kota AS VARCHAR), ''),
    coalesce('=' || kode_wilayah, ''), coalesce('=' || kode_wilayah_sumber, ''),
    coalesce('=' || array_to_string(sumber, ','), ''))) AS row_hash
FROM read_parquet($parts);

-- One row per family: the first where a family repeats with the same data (a family that
-- repeats with other data refuses the load, store/dtsen.py). Only the few repeated families
-- are sorted.
CREATE TABLE __dtks_dtsen_dup AS
SELECT no_kk, count(DISTINCT row_hash) AS versions FROM __dtks_dtsen_rows
GROUP BY no_kk HAVING count(*) > 1;

CREATE TABLE __dtks_dtsen AS
SELECT * FROM __dtks_dtsen_rows AS r
WHERE NOT EXISTS (SELECT 1 FROM __dtks_dtsen_dup AS d WHERE d.no_kk = r.no_kk)
UNION ALL
SELECT * FROM (SELECT r.* FROM __dtks_dtsen_rows AS r SEMI JOIN __dtks_dtsen_dup AS d USING (no_kk))
QUALIFY row_number() OVER (PARTITION BY no_kk ORDER BY source_file, source_sheet, source_row) = 1;

-- The current family rows this version closes: gone from it, or there with other data.
CREATE TABLE __dtks_dtsen_closing AS
SELECT f.no_kk FROM dtsen_family AS f
WHERE f.valid_to IS NULL
  AND NOT EXISTS (SELECT 1 FROM __dtks_dtsen AS s
                  WHERE s.no_kk = f.no_kk AND s.row_hash = f.row_hash);

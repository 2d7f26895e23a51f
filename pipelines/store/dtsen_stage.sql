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

-- One row per family (the first where a family repeats with the same data; a family that
-- repeats with other data refuses the load, store/dtsen.py).
CREATE TABLE __dtks_dtsen AS
SELECT * FROM __dtks_dtsen_rows
QUALIFY row_number() OVER (PARTITION BY no_kk ORDER BY source_file, source_sheet, source_row) = 1;

-- The current family rows this version closes: gone from it, or there with other data.
CREATE TABLE __dtks_dtsen_closing AS
SELECT f.no_kk FROM dtsen_family AS f
WHERE f.valid_to IS NULL
  AND NOT EXISTS (SELECT 1 FROM __dtks_dtsen AS s
                  WHERE s.no_kk = f.no_kk AND s.row_hash = f.row_hash);

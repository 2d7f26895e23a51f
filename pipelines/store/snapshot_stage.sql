-- Stage a normalised snapshot (Parquet parts written by pipelines/ingest/snapshot.py) as the
-- scratch table __dtks_snapshot, with each row's hash. The hash is MD5 over the values (a NULL
-- is '', a value '=' || value), so it is the same in every DuckDB version; migration 002
-- computes it the same way for the rows already stored.
CREATE TABLE __dtks_snapshot AS
SELECT *, md5_number_lower(concat_ws(chr(31),
    id_dtks, coalesce('=' || nik, ''), coalesce('=' || no_kk, ''), coalesce('=' || nama, ''),
    coalesce('=' || tempat_lahir, ''), coalesce('=' || CAST(tanggal_lahir AS VARCHAR), ''),
    coalesce('=' || jenis_kelamin, ''), coalesce('=' || hubungan_keluarga, ''),
    coalesce('=' || nama_ibu_kandung, ''), coalesce('=' || status_kawin, ''),
    coalesce('=' || pekerjaan, ''), coalesce('=' || alamat, ''), coalesce('=' || rt, ''),
    coalesce('=' || rw, ''), coalesce('=' || kode_wilayah, ''),
    coalesce('=' || CAST(pkh AS VARCHAR), ''), coalesce('=' || CAST(bpnt AS VARCHAR), ''),
    coalesce('=' || CAST(pbi AS VARCHAR), ''))) AS row_hash
FROM read_parquet($parts);

-- The current versions this load would close: in scope (everyone for a whole-area export;
-- for a partial one, the persons inside the named area or in the export) and not in the
-- export with the same data.
CREATE TABLE __dtks_closing AS
SELECT p.id_dtks, p.kode_wilayah
FROM dtks_person AS p
WHERE p.valid_to IS NULL
  AND (NOT $partial
       OR p.id_dtks IN (SELECT id_dtks FROM __dtks_snapshot)
       OR EXISTS (SELECT 1 FROM unnest(CAST($area AS VARCHAR[])) AS a(prefix)
                  WHERE starts_with(p.kode_wilayah, a.prefix)))
  AND NOT EXISTS (SELECT 1 FROM __dtks_snapshot AS s
                  WHERE s.id_dtks = p.id_dtks AND s.row_hash = p.row_hash);

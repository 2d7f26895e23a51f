-- Merge the staged DTSEN version (dtsen_stage.sql) into dtsen_family: close the family rows
-- it changes or drops, then open a row for every family that is new or changed (or back,
-- when an earlier version is loaded again).
UPDATE dtsen_family SET valid_to = $version_id
WHERE valid_to IS NULL AND no_kk IN (SELECT no_kk FROM __dtks_dtsen_closing);

INSERT INTO dtsen_family
SELECT s.no_kk, s.nama_kepala_keluarga, s.desil_nasional, s.desil_provinsi,
       s.desil_kabupaten_kota, s.kode_wilayah, s.kode_wilayah_sumber, s.sumber, s.row_hash,
       $version_id, NULL
FROM __dtks_dtsen AS s
WHERE NOT EXISTS (SELECT 1 FROM dtsen_family AS f
                  WHERE f.valid_to IS NULL AND f.no_kk = s.no_kk);

-- Merge the staged snapshot (__dtks_snapshot, __dtks_closing: snapshot_stage.sql) into
-- dtks_person as a new set of versions. Close the versions the load changes or drops.
UPDATE dtks_person SET valid_to = $snapshot_id
WHERE valid_to IS NULL AND id_dtks IN (SELECT id_dtks FROM __dtks_closing);

-- Open a version for every person that is new or changed (or back, when an earlier
-- snapshot is loaded again).
INSERT INTO dtks_person
SELECT s.id_dtks, s.nik, s.no_kk, s.nama, s.tempat_lahir, s.tanggal_lahir, s.jenis_kelamin,
       s.hubungan_keluarga, s.nama_ibu_kandung, s.status_kawin, s.pekerjaan, s.alamat, s.rt,
       s.rw, s.kode_wilayah, s.pkh, s.bpnt, s.pbi, s.row_hash, $snapshot_id, NULL
FROM __dtks_snapshot AS s
WHERE NOT EXISTS (
    SELECT 1 FROM dtks_person AS p
    WHERE p.valid_to IS NULL AND p.id_dtks = s.id_dtks AND p.row_hash = s.row_hash);

-- Proposals of closed months that Kemensos took in are now in the register itself: a new
-- person with the proposed NIK, or a new version of the corrected person.
UPDATE register_change SET accepted_snapshot_id = $snapshot_id
WHERE accepted_snapshot_id IS NULL
  AND ((kind = 'usulan_baru' AND nik IN (SELECT nik FROM __dtks_snapshot))
       OR (kind = 'perbaikan' AND id_dtks IN (
           SELECT id_dtks FROM dtks_person WHERE valid_from = $snapshot_id))
       -- a deactivation is taken in once a snapshot no longer holds the person
       -- (closed by this load and not in it: a load of one area leaves the others alone)
       OR (kind = 'usulan_nonaktif' AND id_dtks IN (SELECT id_dtks FROM __dtks_closing)
           AND id_dtks NOT IN (SELECT id_dtks FROM __dtks_snapshot)));

-- Merge the staged snapshot (__dtks_snapshot) into dtks_person as a new set of versions.
-- Close every current version the snapshot changes or no longer holds.
UPDATE dtks_person AS p SET valid_to = $snapshot_id
WHERE p.valid_to IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM __dtks_snapshot AS s
      WHERE s.id_dtks = p.id_dtks AND s.row_hash = p.row_hash);

-- Open a version for every person that is new or changed.
INSERT INTO dtks_person
SELECT s.id_dtks, s.nik, s.no_kk, s.nama, s.tempat_lahir, s.tanggal_lahir, s.jenis_kelamin,
       s.hubungan_keluarga, s.nama_ibu_kandung, s.status_kawin, s.pekerjaan, s.alamat, s.rt,
       s.rw, s.kode_wilayah, s.pkh, s.bpnt, s.pbi, s.row_hash, $snapshot_id, NULL
FROM __dtks_snapshot AS s
WHERE NOT EXISTS (
    SELECT 1 FROM dtks_person AS p
    WHERE p.valid_to IS NULL AND p.id_dtks = s.id_dtks AND p.row_hash = s.row_hash);
;

-- Proposals of closed months that Kemensos took in are now in the register itself: a new
-- person with the proposed NIK, or a new version of the corrected person.
UPDATE register_change SET accepted_snapshot_id = $snapshot_id
WHERE accepted_snapshot_id IS NULL
  AND ((kind = 'usulan_baru' AND nik IN (SELECT nik FROM __dtks_snapshot))
       OR (kind = 'perbaikan' AND id_dtks IN (
           SELECT id_dtks FROM dtks_person WHERE valid_from = $snapshot_id)));

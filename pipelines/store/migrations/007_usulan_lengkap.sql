-- 007: the optional fields of a complete proposal row (issue 17 item 4): dusun, disability,
-- programmes proposed with eligibility and reason, and the attachments found for the row
-- (file names with SHA-256); the channel and kind of a usul/sanggah the Dinas recorded itself
-- (item 7); the reason of a deactivation proposal (item 3: MENINGGAL, PINDAH, MAMPU, TIDAK
-- DITEMUKAN, GANDA). Empty on rows finalised before.
ALTER TABLE prelist_outcome ADD COLUMN dusun VARCHAR;
ALTER TABLE prelist_outcome ADD COLUMN jenis_disabilitas VARCHAR;
ALTER TABLE prelist_outcome ADD COLUMN usul_pkh VARCHAR;
ALTER TABLE prelist_outcome ADD COLUMN usul_sembako VARCHAR;
ALTER TABLE prelist_outcome ADD COLUMN usul_pbi VARCHAR;
ALTER TABLE prelist_outcome ADD COLUMN alasan_usul VARCHAR;
ALTER TABLE prelist_outcome ADD COLUMN lampiran VARCHAR;
ALTER TABLE prelist_outcome ADD COLUMN kanal VARCHAR;
ALTER TABLE prelist_outcome ADD COLUMN jenis_usul VARCHAR;
ALTER TABLE prelist_outcome ADD COLUMN alasan_nonaktif VARCHAR;

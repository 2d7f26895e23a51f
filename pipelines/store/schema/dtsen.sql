-- DTSEN (migration 006): the families of the current DTSEN version, any earlier one, and the
-- change between two. A family joins the register through its No KK; its kelurahan is the
-- register's where the family is registered, else the DTSEN file's (when a Kemendagri code).

COMMENT ON TABLE dtsen_version IS 'Each DTSEN version loaded (dtks load-dtsen): date and release of the data, files, who, when, families, rows skipped, what changed, an earlier version with the same rows.';

COMMENT ON TABLE dtsen_family IS 'Every version of every DTSEN family (No KK, head, national/provincial/kab-kota desil, region, sources), valid_from/valid_to being DTSEN version ids (valid_to NULL = current). Personal data, restricted by BPS.';

CREATE OR REPLACE VIEW dtsen_current AS
SELECT * EXCLUDE (row_hash, valid_to), valid_from AS since_version
FROM dtsen_family WHERE valid_to IS NULL;

COMMENT ON VIEW dtsen_current IS 'The families of the current DTSEN version.';

CREATE OR REPLACE MACRO dtsen_as_of(v) AS TABLE
SELECT * EXCLUDE (row_hash) FROM dtsen_family
WHERE valid_from <= v AND (valid_to IS NULL OR valid_to > v);

CREATE OR REPLACE VIEW v_desil_current AS
SELECT d.no_kk, d.nama_kepala_keluarga, d.desil_nasional, d.desil_provinsi,
       d.desil_kabupaten_kota, coalesce(h.kode_wilayah, d.kode_wilayah) AS kode_wilayah,
       left(coalesce(h.kode_wilayah, d.kode_wilayah), 6) AS kode_kecamatan,
       d.kode_wilayah_sumber, d.sumber, h.no_kk IS NOT NULL AS terdaftar_dtks,
       h.jumlah_anggota AS jumlah_anggota_dtks, h.pkh, h.bpnt, h.pbi,
       v.version_id, v.tanggal AS tanggal_dtsen, v.rilis
FROM dtsen_current AS d
CROSS JOIN (SELECT * FROM dtsen_version ORDER BY version_id DESC LIMIT 1) AS v
LEFT JOIN v_households_current AS h ON h.no_kk = d.no_kk;

COMMENT ON VIEW v_desil_current IS 'Per family of the current DTSEN version: desil, kelurahan (the register''s if registered, else the file''s), whether and how the family is in the DTKS register, the version.';

CREATE OR REPLACE VIEW v_persons_desil AS
SELECT p.id_dtks, p.nik, p.no_kk, p.nama, p.hubungan_keluarga, p.kode_wilayah,
       d.desil_nasional, d.desil_provinsi, d.desil_kabupaten_kota
FROM dtks_current AS p LEFT JOIN dtsen_current AS d USING (no_kk);

COMMENT ON VIEW v_persons_desil IS 'Current DTKS persons with their family''s desil in the current DTSEN version (NULL: the No KK is not in it).';

CREATE OR REPLACE VIEW v_desil_per_kelurahan AS
SELECT kode_wilayah, count(*) AS keluarga,
       count(*) FILTER (terdaftar_dtks) AS keluarga_terdaftar_dtks,
       count(*) FILTER (desil_nasional = 1) AS desil_1,
       count(*) FILTER (desil_nasional = 2) AS desil_2,
       count(*) FILTER (desil_nasional = 3) AS desil_3,
       count(*) FILTER (desil_nasional = 4) AS desil_4,
       count(*) FILTER (desil_nasional = 5) AS desil_5,
       count(*) FILTER (desil_nasional = 6) AS desil_6,
       count(*) FILTER (desil_nasional = 7) AS desil_7,
       count(*) FILTER (desil_nasional = 8) AS desil_8,
       count(*) FILTER (desil_nasional = 9) AS desil_9,
       count(*) FILTER (desil_nasional = 10) AS desil_10,
       count(*) FILTER (desil_nasional IS NULL) AS tanpa_desil
FROM v_desil_current GROUP BY kode_wilayah;

COMMENT ON VIEW v_desil_per_kelurahan IS 'Per kelurahan: families of the current DTSEN version by national desil 1-10, and how many are in the DTKS register.';

-- Every family of either version with its national desil in both, and what changed:
-- baru (only in v_to), hilang (only in v_from), turun / naik (desil lower / higher), tetap.
CREATE OR REPLACE MACRO desil_change(v_from, v_to) AS TABLE
WITH a AS (SELECT * FROM dtsen_family
           WHERE valid_from <= v_from AND (valid_to IS NULL OR valid_to > v_from)),
b AS (SELECT * FROM dtsen_family
      WHERE valid_from <= v_to AND (valid_to IS NULL OR valid_to > v_to)),
hh AS (SELECT no_kk, kode_wilayah, nama_kepala_keluarga, alamat, rt, rw, jumlah_anggota
       FROM (SELECT no_kk, kode_wilayah, nama, alamat, rt, rw,
                    count(*) OVER (PARTITION BY no_kk) AS jumlah_anggota,
                    nama AS nama_kepala_keluarga
             FROM dtks_current WHERE no_kk IS NOT NULL
             QUALIFY row_number() OVER (PARTITION BY no_kk
                 ORDER BY hubungan_keluarga = 'KEPALA KELUARGA' DESC, id_dtks) = 1))
SELECT coalesce(b.no_kk, a.no_kk) AS no_kk,
       coalesce(b.nama_kepala_keluarga, a.nama_kepala_keluarga, hh.nama_kepala_keluarga)
           AS nama_kepala_keluarga,
       coalesce(hh.kode_wilayah, b.kode_wilayah, a.kode_wilayah) AS kode_wilayah,
       coalesce(b.kode_wilayah_sumber, a.kode_wilayah_sumber) AS kode_wilayah_sumber,
       hh.no_kk IS NOT NULL AS terdaftar_dtks, hh.jumlah_anggota AS jumlah_anggota_dtks,
       hh.alamat, hh.rt, hh.rw,
       a.desil_nasional AS desil_dari, b.desil_nasional AS desil_ke,
       CASE WHEN a.no_kk IS NULL THEN 'baru' WHEN b.no_kk IS NULL THEN 'hilang'
            WHEN b.desil_nasional < a.desil_nasional THEN 'turun'
            WHEN b.desil_nasional > a.desil_nasional THEN 'naik'
            WHEN a.desil_nasional IS DISTINCT FROM b.desil_nasional THEN 'berubah'
            ELSE 'tetap' END AS perubahan
FROM a FULL JOIN b ON a.no_kk = b.no_kk
LEFT JOIN hh ON hh.no_kk = coalesce(b.no_kk, a.no_kk);


CREATE OR REPLACE VIEW v_desil_change_latest AS
SELECT * FROM desil_change(
    (SELECT max(version_id) FROM dtsen_version
     WHERE version_id < (SELECT max(version_id) FROM dtsen_version)),
    (SELECT max(version_id) FROM dtsen_version));

COMMENT ON VIEW v_desil_change_latest IS 'desil_change between the two latest DTSEN versions: every family with its national desil in both and baru/hilang/turun/naik/tetap.';

-- Views, table macros and comments of the DTKS store, re-created on every read-write open
-- (CREATE OR REPLACE), so editing one here is enough. Tables are made and changed only by the
-- numbered files in migrations/ (see docs/store.md); nothing makes tables outside the scratch
-- prefix __dtks_.

CREATE OR REPLACE VIEW dtks_current AS
SELECT * EXCLUDE (row_hash, valid_to), valid_from AS snapshot_id
FROM dtks_person WHERE valid_to IS NULL;

-- The decision in force for each row key: the latest one not dropped since (migration 003).
CREATE OR REPLACE VIEW review_decision_live AS
SELECT d.* FROM review_decision AS d
WHERE d.row_key IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM review_decision_drop AS x
                  WHERE x.period = d.period AND x.row_key = d.row_key
                    AND x.dropped_at >= d.applied_at)
QUALIFY row_number() OVER (PARTITION BY d.period, d.row_key ORDER BY d.applied_at DESC) = 1;

-- The outcome of each row after the supervisor's decision in force. A decision counts only on
-- a row with the same content key that the flow still finds doubtful, against the same DTKS
-- candidate: it never lands on another person.
CREATE OR REPLACE VIEW prelist_final AS
SELECT o.* EXCLUDE (outcome, reasons),
       coalesce(d.outcome, o.outcome) AS outcome,
       CASE WHEN d.outcome IS NULL THEN o.reasons
            ELSE 'Keputusan supervisor (' || d.keputusan || ')'
                 || coalesce(': ' || d.alasan, '') END AS reasons,
       o.outcome AS flow_outcome, d.keputusan, d.alasan, d.petugas, d.applied_at
FROM prelist_outcome AS o
LEFT JOIN review_decision_live AS d
  ON d.period = o.period AND d.row_key = o.row_key AND o.outcome = 'perlu_verifikasi'
 AND d.matched_id_dtks IS NOT DISTINCT FROM o.matched_id_dtks;

-- Each month's closings and reopenings, in order.
CREATE OR REPLACE VIEW period_history AS
SELECT period, 'ditutup' AS peristiwa, closed_at AS pada, petugas, alasan FROM period_close
UNION ALL
SELECT period, 'ditutup', closed_at, closed_by, close_alasan FROM period_reopen
UNION ALL
SELECT period, 'dibuka kembali', reopened_at, petugas, alasan FROM period_reopen;

-- The local register as of a closed month: the DTKS snapshot current when that month closed,
-- with the corrections and new proposals of every month closed up to then on top (the
-- latest per person), leaving out those a snapshot had already taken in.
CREATE OR REPLACE MACRO register_as_of(p) AS TABLE
WITH cut AS (SELECT snapshot_id, closed_at FROM period_close WHERE period = p),
changes AS (
    SELECT r.*, c.closed_at
    FROM register_change AS r JOIN period_close AS c USING (period), cut
    WHERE c.closed_at <= cut.closed_at
      AND (r.accepted_snapshot_id IS NULL OR r.accepted_snapshot_id > cut.snapshot_id)
    QUALIFY row_number() OVER (PARTITION BY coalesce(r.id_dtks, r.nik)
                               ORDER BY c.closed_at DESC) = 1
),
base AS (
    SELECT d.* FROM dtks_person AS d, cut
    WHERE d.valid_from <= cut.snapshot_id
      AND (d.valid_to IS NULL OR d.valid_to > cut.snapshot_id)
)
SELECT 'dtks' AS sumber, NULL AS period, id_dtks, nik, no_kk, nama, tempat_lahir, tanggal_lahir,
       jenis_kelamin, hubungan_keluarga, nama_ibu_kandung, status_kawin, pekerjaan, alamat,
       rt, rw, kode_wilayah
FROM base
WHERE id_dtks NOT IN (SELECT id_dtks FROM changes WHERE id_dtks IS NOT NULL)
UNION ALL
SELECT kind, period, id_dtks, nik, no_kk, nama, tempat_lahir, tanggal_lahir, jenis_kelamin,
       hubungan_keluarga, nama_ibu_kandung, status_kawin, pekerjaan, alamat, rt, rw,
       kode_wilayah
FROM changes
WHERE kind <> 'usulan_nonaktif';  -- a deactivated person leaves the register

-- Views for analysts (documented in docs/data_dictionary.md, generated from these comments).
CREATE OR REPLACE VIEW v_persons_current AS
SELECT id_dtks, nik, no_kk, nama, tempat_lahir, tanggal_lahir, jenis_kelamin, hubungan_keluarga,
       nama_ibu_kandung, status_kawin, pekerjaan, alamat, rt, rw, kode_wilayah,
       left(kode_wilayah, 6) AS kode_kecamatan, pkh, bpnt, pbi, snapshot_id
FROM dtks_current;

CREATE OR REPLACE VIEW v_households_current AS
SELECT no_kk,
       any_value(kode_wilayah ORDER BY hubungan_keluarga = 'KEPALA KELUARGA' DESC) AS kode_wilayah,
       any_value(nama ORDER BY hubungan_keluarga = 'KEPALA KELUARGA' DESC) AS nama_kepala_keluarga,
       count(*) AS jumlah_anggota,
       bool_or(coalesce(pkh, false)) AS pkh, bool_or(coalesce(bpnt, false)) AS bpnt,
       bool_or(coalesce(pbi, false)) AS pbi
FROM dtks_current WHERE no_kk IS NOT NULL
GROUP BY no_kk;

CREATE OR REPLACE VIEW v_outcomes_per_period AS
SELECT period, folder_kode AS kode_wilayah, outcome, count(*) AS jumlah
FROM prelist_final GROUP BY ALL;

CREATE OR REPLACE VIEW v_monthly_summary AS
SELECT f.period,
       count(*) AS baris_usulan,
       -- one column per outcome, in their order: count(*) FILTER (outcome = 'usulan_baru')
       -- AS usulan_baru, ... filled in from pipelines/outcomes.py when the store opens
       /*outcome_counts*/,
       any_value(c.closed_at) AS ditutup_pada
FROM prelist_final AS f LEFT JOIN period_close AS c USING (period)
GROUP BY f.period;

CREATE OR REPLACE VIEW v_programme_coverage AS
SELECT kode_wilayah, count(*) AS keluarga, CAST(sum(jumlah_anggota) AS BIGINT) AS jiwa,
       count(*) FILTER (pkh) AS keluarga_pkh, count(*) FILTER (bpnt) AS keluarga_bpnt,
       count(*) FILTER (pbi) AS keluarga_pbi,
       round(count(*) FILTER (pkh) / count(*), 4) AS porsi_pkh,
       round(count(*) FILTER (bpnt) / count(*), 4) AS porsi_bpnt,
       round(count(*) FILTER (pbi) / count(*), 4) AS porsi_pbi
FROM v_households_current GROUP BY kode_wilayah;

-- DTSEN (migration 004): the families of the current DTSEN version, any earlier one, and the
-- change between two. A family joins the register through its No KK; its kelurahan is the
-- register's where the family is registered, else the DTSEN file's (when a Kemendagri code).
CREATE OR REPLACE VIEW dtsen_current AS
SELECT * EXCLUDE (row_hash, valid_to), valid_from AS since_version
FROM dtsen_family WHERE valid_to IS NULL;

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

CREATE OR REPLACE VIEW v_persons_desil AS
SELECT p.id_dtks, p.nik, p.no_kk, p.nama, p.hubungan_keluarga, p.kode_wilayah,
       d.desil_nasional, d.desil_provinsi, d.desil_kabupaten_kota
FROM dtks_current AS p LEFT JOIN dtsen_current AS d USING (no_kk);

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

COMMENT ON TABLE dtks_snapshot IS 'Each DTKS snapshot load (dtks load-dtks): files, who, when, area covered (whole or partial), persons before/after, versions opened/closed, an earlier snapshot with the same rows.';
COMMENT ON TABLE schema_migration IS 'Schema migrations applied to this store (pipelines/store/migrations/NNN_name.sql), with when.';

COMMENT ON TABLE dtks_person IS 'Every version of every DTKS person, valid_from/valid_to are snapshot ids (valid_to NULL = current).';

COMMENT ON VIEW dtks_current IS 'The DTKS register as of the latest snapshot: one row per current person.';

COMMENT ON TABLE prelist_outcome IS 'One row per prelist row of a period, with the outcome the finalisation flow gave it.';

COMMENT ON VIEW prelist_final IS 'prelist_outcome with the supervisor''s decision in force applied (outcome, keputusan, petugas), matched by row content key.';

COMMENT ON TABLE musyawarah IS 'Each berita acara musyawarah read: meeting date, place, chair, attendees.';

COMMENT ON TABLE musyawarah_keputusan IS 'Each household decision in a berita acara (disetujui true/false/NULL = not understood).';

COMMENT ON TABLE finalisation_run IS 'Each finalisation run: period, time, snapshot, rows in, counts per outcome (JSON).';

COMMENT ON TABLE review_decision IS 'Audit of supervisor decisions (dtks review apply): who, when, what, from which file, for which row content (row_key) and DTKS candidate.';

COMMENT ON TABLE review_decision_drop IS 'Decisions a later finalisation dropped because the decided row changed, disappeared, is no longer doubtful or has another candidate, with why.';

COMMENT ON VIEW review_decision_live IS 'The supervisor decision in force per period and row content key.';

COMMENT ON TABLE period_folder IS 'Kelurahan folders the latest finalisation of a period read, in order.';

COMMENT ON TABLE period_file IS 'Files the latest finalisation of a period read, with their SHA-256.';

COMMENT ON TABLE period_problem IS 'File problems the latest finalisation of a period found.';

COMMENT ON TABLE period_column_map IS 'How the latest finalisation of a period read each column of each kelurahan file (by header or by values).';

COMMENT ON TABLE period_evidence IS 'Scanned berita acara (PDF, photo) the latest finalisation of a period kept as evidence, with SHA-256.';

COMMENT ON TABLE period_close IS 'Closed months (dtks close): when, by whom, against which snapshot, forced or not.';

COMMENT ON TABLE period_reopen IS 'Closed months opened again (dtks reopen): who, when, why, and the closing undone.';

COMMENT ON VIEW period_history IS 'Every closing and reopening of each month, in order.';

COMMENT ON TABLE register_change_withdrawn IS 'Register changes of a closing undone by dtks reopen, kept for the audit.';

COMMENT ON TABLE register_change IS 'New proposals and corrections sent when a month closed, accepted_snapshot_id once Kemensos took them in.';

COMMENT ON TABLE letter_log IS 'Surat Keterangan Terdaftar issued: number, time, officer, ID DTKS, verification code, file hash.';

COMMENT ON TABLE letter_revoke IS 'Letters revoked (dtks letter revoke or the web desk): number, when, who, why (the public check then says DICABUT).';

COMMENT ON TABLE desk_user IS 'Web desk accounts (dtks user add): login name, role, argon2id password hash, active, version (ends old sessions).';

COMMENT ON TABLE desk_action IS 'Every act done through the web desk: when, user, role, what, on what (period, request or letter number), never personal data.';

COMMENT ON VIEW v_persons_current IS 'Current persons with their kecamatan code and programme flags.';

COMMENT ON VIEW v_households_current IS 'Current households (No KK): head, size, region, programme flags.';

COMMENT ON VIEW v_outcomes_per_period IS 'Rows per period x kelurahan x final outcome.';

COMMENT ON VIEW v_monthly_summary IS 'Per period: rows proposed and per final outcome, and when the month closed.';

COMMENT ON VIEW v_programme_coverage IS 'Per kelurahan: households and persons, and households covered by PKH, BPNT and PBI.';

COMMENT ON TABLE dtsen_version IS 'Each DTSEN version loaded (dtks load-dtsen): date and release of the data, files, who, when, families, rows skipped, what changed, an earlier version with the same rows.';

COMMENT ON TABLE dtsen_family IS 'Every version of every DTSEN family (No KK, head, national/provincial/kab-kota desil, region, sources), valid_from/valid_to being DTSEN version ids (valid_to NULL = current). Personal data, restricted by BPS.';

COMMENT ON VIEW dtsen_current IS 'The families of the current DTSEN version.';

COMMENT ON VIEW v_desil_current IS 'Per family of the current DTSEN version: desil, kelurahan (the register''s if registered, else the file''s), whether and how the family is in the DTKS register, the version.';

COMMENT ON VIEW v_persons_desil IS 'Current DTKS persons with their family''s desil in the current DTSEN version (NULL: the No KK is not in it).';

COMMENT ON VIEW v_desil_per_kelurahan IS 'Per kelurahan: families of the current DTSEN version by national desil 1-10, and how many are in the DTKS register.';

COMMENT ON VIEW v_desil_change_latest IS 'desil_change between the two latest DTSEN versions: every family with its national desil in both and baru/hilang/turun/naik/tetap.';

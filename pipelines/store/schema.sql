-- The DTKS store. Every table the pipeline writes is created here; nothing else makes tables
-- outside the scratch prefix __dtks_.

CREATE TABLE IF NOT EXISTS dtks_snapshot (
    snapshot_id     INTEGER PRIMARY KEY,
    content_sha256  VARCHAR NOT NULL UNIQUE,   -- hash of the normalised rows: same data, same id
    source_files    VARCHAR[] NOT NULL,
    loaded_at       TIMESTAMP NOT NULL,
    person_count    BIGINT NOT NULL,
    household_count BIGINT NOT NULL,
    kode_kabkota    VARCHAR                    -- the kab/kota most rows belong to
);

-- One row per version of a person: a new snapshot closes the versions it changes or drops
-- (valid_to) and opens new ones (valid_from), so any past snapshot can be recalled.
CREATE TABLE IF NOT EXISTS dtks_person (
    id_dtks           VARCHAR NOT NULL,
    nik               VARCHAR,
    no_kk             VARCHAR,
    nama              VARCHAR,
    tempat_lahir      VARCHAR,
    tanggal_lahir     DATE,
    jenis_kelamin     VARCHAR,
    hubungan_keluarga VARCHAR,
    nama_ibu_kandung  VARCHAR,
    status_kawin      VARCHAR,
    pekerjaan         VARCHAR,
    alamat            VARCHAR,
    rt                VARCHAR,
    rw                VARCHAR,
    kode_wilayah      VARCHAR,
    pkh               BOOLEAN,
    bpnt              BOOLEAN,
    pbi               BOOLEAN,
    row_hash          UBIGINT NOT NULL,
    valid_from        INTEGER NOT NULL,         -- snapshot_id that brought this version
    valid_to          INTEGER                   -- snapshot_id that replaced it; NULL = current
);

CREATE OR REPLACE VIEW dtks_current AS
SELECT * EXCLUDE (row_hash, valid_to), valid_from AS snapshot_id
FROM dtks_person WHERE valid_to IS NULL;

CREATE TABLE IF NOT EXISTS prelist_outcome (
    period            VARCHAR NOT NULL,
    row_id            BIGINT NOT NULL,
    source_file       VARCHAR NOT NULL,
    source_sheet      VARCHAR NOT NULL,
    source_row        BIGINT NOT NULL,
    folder_kode       VARCHAR NOT NULL,          -- kode wilayah of the kelurahan folder
    kode_wilayah      VARCHAR,
    nik               VARCHAR,
    no_kk             VARCHAR,
    nama              VARCHAR,
    tempat_lahir      VARCHAR,
    tanggal_lahir     DATE,
    jenis_kelamin     VARCHAR,
    hubungan_keluarga VARCHAR,
    nama_ibu_kandung  VARCHAR,
    status_kawin      VARCHAR,
    pekerjaan         VARCHAR,
    alamat            VARCHAR,
    rt                VARCHAR,
    rw                VARCHAR,
    outcome           VARCHAR NOT NULL,
    reasons           VARCHAR,
    problem_columns   VARCHAR,                   -- canonical columns at fault, ','-joined
    matched_id_dtks   VARCHAR,
    match_score       DOUBLE,
    PRIMARY KEY (period, row_id)
);

CREATE TABLE IF NOT EXISTS musyawarah (
    period          VARCHAR NOT NULL,
    kode_wilayah    VARCHAR NOT NULL,
    source_file     VARCHAR NOT NULL,
    source_sheet    VARCHAR NOT NULL,
    tanggal         DATE,
    tempat          VARCHAR,
    pimpinan        VARCHAR,
    jumlah_peserta  INTEGER
);

CREATE TABLE IF NOT EXISTS musyawarah_keputusan (
    period               VARCHAR NOT NULL,
    kode_wilayah         VARCHAR NOT NULL,
    no_kk                VARCHAR,
    nama_kepala_keluarga VARCHAR,
    keputusan_asli       VARCHAR,
    disetujui            BOOLEAN,
    source_file          VARCHAR NOT NULL,
    source_sheet         VARCHAR NOT NULL,
    source_row           BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS finalisation_run (
    period       VARCHAR NOT NULL,
    finished_at  TIMESTAMP NOT NULL,
    snapshot_id  INTEGER,
    rows_in      BIGINT NOT NULL,
    counts_json  VARCHAR NOT NULL             -- outcome -> count; no personal data
);

-- Supervisor decisions on doubtful rows (dtks review apply): one row per applied change.
CREATE TABLE IF NOT EXISTS review_decision (
    period       VARCHAR NOT NULL,
    row_id       BIGINT NOT NULL,
    keputusan    VARCHAR NOT NULL,             -- BARU / SAMA / PERBAIKAN / TOLAK
    alasan       VARCHAR,
    outcome      VARCHAR NOT NULL,             -- the outcome the decision gives the row
    petugas      VARCHAR NOT NULL,
    applied_at   TIMESTAMP NOT NULL,
    source_file  VARCHAR NOT NULL,             -- name of the review workbook
    file_sha256  VARCHAR NOT NULL
);

-- The outcome of each row after the supervisor's latest decision.
CREATE OR REPLACE VIEW prelist_final AS
SELECT o.* EXCLUDE (outcome, reasons),
       coalesce(d.outcome, o.outcome) AS outcome,
       CASE WHEN d.outcome IS NULL THEN o.reasons
            ELSE 'Keputusan supervisor (' || d.keputusan || ')'
                 || coalesce(': ' || d.alasan, '') END AS reasons,
       o.outcome AS flow_outcome, d.keputusan, d.alasan, d.petugas, d.applied_at
FROM prelist_outcome AS o
LEFT JOIN (
    SELECT * FROM review_decision
    QUALIFY row_number() OVER (PARTITION BY period, row_id ORDER BY applied_at DESC) = 1
) AS d USING (period, row_id);

-- A closed month: what was sent and against which snapshot.
CREATE TABLE IF NOT EXISTS period_close (
    period        VARCHAR PRIMARY KEY,
    closed_at     TIMESTAMP NOT NULL,
    snapshot_id   INTEGER,                     -- the DTKS snapshot current at closing
    petugas       VARCHAR NOT NULL,
    forced        BOOLEAN NOT NULL,
    alasan        VARCHAR,                     -- required when forced
    undecided     BIGINT NOT NULL              -- rows still perlu_verifikasi when closed
);

-- Proposals and corrections sent to Kemensos when a month closes. A later snapshot that
-- holds the person (same NIK) supersedes the proposal: accepted_snapshot_id.
CREATE TABLE IF NOT EXISTS register_change (
    period               VARCHAR NOT NULL,
    row_id               BIGINT NOT NULL,
    kind                 VARCHAR NOT NULL,     -- usulan_baru / perbaikan
    id_dtks              VARCHAR,              -- the corrected person (perbaikan)
    nik                  VARCHAR,
    no_kk                VARCHAR,
    nama                 VARCHAR,
    tempat_lahir         VARCHAR,
    tanggal_lahir        DATE,
    jenis_kelamin        VARCHAR,
    hubungan_keluarga    VARCHAR,
    nama_ibu_kandung     VARCHAR,
    status_kawin         VARCHAR,
    pekerjaan            VARCHAR,
    alamat               VARCHAR,
    rt                   VARCHAR,
    rw                   VARCHAR,
    kode_wilayah         VARCHAR,
    accepted_snapshot_id INTEGER,
    PRIMARY KEY (period, row_id)
)
;

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
;

-- Surat Keterangan Terdaftar DTKS issued: the number, who and when; the person is referenced
-- by ID DTKS only, and the file by its SHA-256.
CREATE TABLE IF NOT EXISTS letter_log (
    nomor            VARCHAR PRIMARY KEY,
    tahun            INTEGER NOT NULL,
    urut             INTEGER NOT NULL,
    issued_at        TIMESTAMP NOT NULL,
    petugas          VARCHAR NOT NULL,
    id_dtks          VARCHAR NOT NULL,
    snapshot_id      INTEGER,
    kode_verifikasi  VARCHAR NOT NULL UNIQUE,
    pdf_sha256       VARCHAR NOT NULL,
    UNIQUE (tahun, urut)
)
;

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
       count(*) FILTER (outcome = 'usulan_baru') AS usulan_baru,
       count(*) FILTER (outcome = 'perbaikan') AS perbaikan,
       count(*) FILTER (outcome = 'terdaftar') AS terdaftar,
       count(*) FILTER (outcome = 'perlu_verifikasi') AS perlu_verifikasi,
       count(*) FILTER (outcome = 'duplikat_batch') AS duplikat_batch,
       count(*) FILTER (outcome = 'ditolak_musyawarah') AS ditolak_musyawarah,
       count(*) FILTER (outcome = 'ditolak_validasi') AS ditolak_validasi,
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

COMMENT ON TABLE dtks_snapshot IS 'Each DTKS snapshot export loaded (dtks load-dtks): files, content hash, counts.';
COMMENT ON TABLE dtks_person IS 'Every version of every DTKS person, valid_from/valid_to are snapshot ids (valid_to NULL = current).';
COMMENT ON VIEW dtks_current IS 'The DTKS register as of the latest snapshot: one row per current person.';
COMMENT ON TABLE prelist_outcome IS 'One row per prelist row of a period, with the outcome the finalisation flow gave it.';
COMMENT ON VIEW prelist_final IS 'prelist_outcome with the supervisor''s latest decision applied (outcome, keputusan, petugas).';
COMMENT ON TABLE musyawarah IS 'Each berita acara musyawarah read: meeting date, place, chair, attendees.';
COMMENT ON TABLE musyawarah_keputusan IS 'Each household decision in a berita acara (disetujui true/false/NULL = not understood).';
COMMENT ON TABLE finalisation_run IS 'Each finalisation run: period, time, snapshot, rows in, counts per outcome (JSON).';
COMMENT ON TABLE review_decision IS 'Audit of supervisor decisions (dtks review apply): who, when, what, from which file.';
COMMENT ON TABLE period_close IS 'Closed months (dtks close): when, by whom, against which snapshot, forced or not.';
COMMENT ON TABLE register_change IS 'New proposals and corrections sent when a month closed, accepted_snapshot_id once Kemensos took them in.';
COMMENT ON TABLE letter_log IS 'Surat Keterangan Terdaftar issued: number, time, officer, ID DTKS, verification code, file hash.';
COMMENT ON VIEW v_persons_current IS 'Current persons with their kecamatan code and programme flags.';
COMMENT ON VIEW v_households_current IS 'Current households (No KK): head, size, region, programme flags.';
COMMENT ON VIEW v_outcomes_per_period IS 'Rows per period x kelurahan x final outcome.';
COMMENT ON VIEW v_monthly_summary IS 'Per period: rows proposed and per final outcome, and when the month closed.';
COMMENT ON VIEW v_programme_coverage IS 'Per kelurahan: households and persons, and households covered by PKH, BPNT and PBI.';
;

-- Data-use requests (dtks request ...). The requester's identity number is kept masked and
-- as a salted hash only, never whole.
CREATE TABLE IF NOT EXISTS data_request (
    nomor             VARCHAR PRIMARY KEY,        -- REQ-YYYY-NNNN
    tahun             INTEGER NOT NULL,
    urut              INTEGER NOT NULL,
    diajukan_pada     DATE NOT NULL,
    pemohon           VARCHAR NOT NULL,
    instansi          VARCHAR,
    identitas_samar   VARCHAR NOT NULL,           -- e.g. ************1234
    identitas_hash    VARCHAR NOT NULL,
    kontak            VARCHAR,
    kanal             VARCHAR NOT NULL,           -- tatap_muka / surat / sp4n_lapor / email
    tujuan            VARCHAR NOT NULL,
    kategori          VARCHAR NOT NULL,           -- penelitian_akademik / ...
    jenis_data        VARCHAR NOT NULL,           -- a catalogue table
    wilayah           VARCHAR,                    -- kode wilayah prefix
    tahun_data        VARCHAR,
    kompleksitas      VARCHAR NOT NULL,           -- sederhana / sedang / kompleks
    nomor_pks         VARCHAR,                    -- data-sharing agreement (record level only)
    batas_waktu       DATE NOT NULL,
    status            VARCHAR NOT NULL,
    tanda_politik     VARCHAR,                    -- words that point to political use
    UNIQUE (tahun, urut)
);

CREATE TABLE IF NOT EXISTS request_event (
    nomor    VARCHAR NOT NULL,
    status   VARCHAR NOT NULL,
    petugas  VARCHAR NOT NULL,
    peran    VARCHAR NOT NULL,
    pada     TIMESTAMP NOT NULL,
    catatan  VARCHAR
)

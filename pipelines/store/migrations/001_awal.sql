-- 001: the tables of the first release (0.1.0, commit b258a82), before migrations existed.
-- A store made by that release already has them: it is recorded as being at version 1
-- without running this file. Never edit a migration once released; add a new one.

CREATE TABLE dtks_snapshot (
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
CREATE TABLE dtks_person (
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

CREATE TABLE prelist_outcome (
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

CREATE TABLE musyawarah (
    period          VARCHAR NOT NULL,
    kode_wilayah    VARCHAR NOT NULL,
    source_file     VARCHAR NOT NULL,
    source_sheet    VARCHAR NOT NULL,
    tanggal         DATE,
    tempat          VARCHAR,
    pimpinan        VARCHAR,
    jumlah_peserta  INTEGER
);

CREATE TABLE musyawarah_keputusan (
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

CREATE TABLE finalisation_run (
    period       VARCHAR NOT NULL,
    finished_at  TIMESTAMP NOT NULL,
    snapshot_id  INTEGER,
    rows_in      BIGINT NOT NULL,
    counts_json  VARCHAR NOT NULL             -- outcome -> count; no personal data
);

-- Supervisor decisions on doubtful rows (dtks review apply): one row per applied change.
CREATE TABLE review_decision (
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

-- A closed month: what was sent and against which snapshot.
CREATE TABLE period_close (
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
CREATE TABLE register_change (
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
);

-- Surat Keterangan Terdaftar DTKS issued: the number, who and when; the person is referenced
-- by ID DTKS only, and the file by its SHA-256.
CREATE TABLE letter_log (
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
);

-- Data-use requests (dtks request ...). The requester's identity number is kept masked and
-- as a salted hash only, never whole.
CREATE TABLE data_request (
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

CREATE TABLE request_event (
    nomor    VARCHAR NOT NULL,
    status   VARCHAR NOT NULL,
    petugas  VARCHAR NOT NULL,
    peran    VARCHAR NOT NULL,
    pada     TIMESTAMP NOT NULL,
    catatan  VARCHAR
);

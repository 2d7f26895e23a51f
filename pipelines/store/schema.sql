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

-- 003: supervisor decisions belong to a prelist row's content key (pipelines/identity.py), not
-- to its running number; decisions a new finalisation cannot carry are dropped with a reason;
-- a month's outputs can be rewritten from the store alone; reopening a closed month is
-- recorded (issue 12).

ALTER TABLE prelist_outcome ADD COLUMN row_key VARCHAR;

ALTER TABLE finalisation_run ADD COLUMN ignored_rows BIGINT;

ALTER TABLE review_decision ADD COLUMN row_key VARCHAR;

ALTER TABLE review_decision ADD COLUMN matched_id_dtks VARCHAR;

-- Decisions a later finalisation could not carry forward (the row changed, disappeared, is no
-- longer doubtful, or has another DTKS candidate): every decision of that key applied before
-- dropped_at stops counting. The decided row is kept here so the supervisor can find it.
CREATE TABLE review_decision_drop (
    period          VARCHAR NOT NULL,
    row_key         VARCHAR NOT NULL,
    dropped_at      TIMESTAMP NOT NULL,        -- the finalisation that dropped it
    alasan          VARCHAR NOT NULL,          -- why (Indonesian, no personal data)
    keputusan       VARCHAR NOT NULL,
    petugas         VARCHAR NOT NULL,
    folder_kode     VARCHAR,
    source_file     VARCHAR,
    source_sheet    VARCHAR,
    source_row      BIGINT,
    nik             VARCHAR,
    nama            VARCHAR,
    tanggal_lahir   DATE
);

-- What the latest finalisation of a period read, so every output of the month can be
-- rewritten from the store alone: the kelurahan folders, each file read with its SHA-256 (a
-- file changed since is not copied into return workbooks), and file problems.
CREATE TABLE period_folder (
    period        VARCHAR NOT NULL,
    kode_wilayah  VARCHAR NOT NULL,
    folder        VARCHAR NOT NULL
);

CREATE TABLE period_file (
    period        VARCHAR NOT NULL,
    source_file   VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL
);

CREATE TABLE period_problem (
    period        VARCHAR NOT NULL,
    kode_wilayah  VARCHAR,
    folder        VARCHAR,
    source_file   VARCHAR,
    source_sheet  VARCHAR,
    masalah       VARCHAR NOT NULL
);

-- A closed month opened again (dtks reopen): who, when, why, and the closing it undid. The
-- register changes that closing recorded move to register_change_withdrawn.
CREATE TABLE period_reopen (
    period         VARCHAR NOT NULL,
    reopened_at    TIMESTAMP NOT NULL,
    petugas        VARCHAR NOT NULL,
    alasan         VARCHAR NOT NULL,
    closed_at      TIMESTAMP NOT NULL,         -- the closing undone
    closed_by      VARCHAR NOT NULL,
    snapshot_id    INTEGER,
    forced         BOOLEAN NOT NULL,
    close_alasan   VARCHAR,
    undecided      BIGINT NOT NULL,
    withdrawn      BIGINT NOT NULL             -- register_change rows withdrawn
);

CREATE TABLE register_change_withdrawn (
    period               VARCHAR NOT NULL,
    row_id               BIGINT NOT NULL,
    kind                 VARCHAR NOT NULL,
    id_dtks              VARCHAR,
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
    reopened_at          TIMESTAMP NOT NULL
);

-- Keys for the rows and decisions an earlier release stored (identity.backfill_sql, the same
-- keys a finalisation computes; tests/test_decisions_follow_people.py keeps them equal). A
-- decision recorded before the latest finalisation of its month cannot be tied to a person
-- (that run may have renumbered the rows): it keeps no key and no longer counts.
UPDATE prelist_outcome AS o SET row_key = k.row_key
FROM (
    SELECT period, row_id, content || '-' || row_number() OVER (
               PARTITION BY period, content ORDER BY row_id) AS row_key
    FROM (SELECT period, row_id, substr(sha256(concat_ws(chr(31), coalesce(CAST("folder_kode" AS VARCHAR), ''), coalesce(CAST("nik" AS VARCHAR), ''), coalesce(CAST("no_kk" AS VARCHAR), ''), coalesce(CAST("nama" AS VARCHAR), ''), coalesce(CAST("tempat_lahir" AS VARCHAR), ''), coalesce(strftime("tanggal_lahir", '%Y-%m-%d'), ''), coalesce(CAST("jenis_kelamin" AS VARCHAR), ''), coalesce(CAST("hubungan_keluarga" AS VARCHAR), ''), coalesce(CAST("nama_ibu_kandung" AS VARCHAR), ''), coalesce(CAST("status_kawin" AS VARCHAR), ''), coalesce(CAST("pekerjaan" AS VARCHAR), ''), coalesce(CAST("alamat" AS VARCHAR), ''), coalesce(CAST("rt" AS VARCHAR), ''), coalesce(CAST("rw" AS VARCHAR), ''), coalesce(CAST("kode_wilayah" AS VARCHAR), ''))), 1, 24) AS content FROM prelist_outcome
          WHERE period IN (SELECT DISTINCT period FROM prelist_outcome WHERE row_key IS NULL))
) AS k
WHERE o.row_key IS NULL AND o.period = k.period AND o.row_id = k.row_id;

UPDATE review_decision AS d SET row_key = o.row_key, matched_id_dtks = o.matched_id_dtks
FROM prelist_outcome AS o
WHERE d.row_key IS NULL AND o.period = d.period AND o.row_id = d.row_id
  AND d.applied_at >= (SELECT max(f.finished_at) FROM finalisation_run AS f
                       WHERE f.period = d.period);

-- 006: DTSEN family files (dtks load-dtsen): each load is a version of the family-level
-- DTSEN data (desil per No KK), with its date and release and who loaded it; the families
-- are kept with history like dtks_person, so any earlier version can be recalled and two
-- versions compared (issue 17).

CREATE TABLE dtsen_version (
    version_id      INTEGER PRIMARY KEY,
    tanggal         DATE NOT NULL,              -- date of the DTSEN data (--tanggal)
    rilis           VARCHAR,                    -- release label (--rilis), e.g. 'Triwulan III 2026'
    content_sha256  VARCHAR NOT NULL,           -- fingerprint of the rows: same rows, same value
    source_files    VARCHAR[] NOT NULL,
    loaded_at       TIMESTAMP NOT NULL,
    petugas         VARCHAR NOT NULL,           -- who loaded it
    families        BIGINT NOT NULL,            -- families (No KK) in this version
    rows_read       BIGINT NOT NULL,            -- data rows read from the files
    rows_skipped    BIGINT NOT NULL,            -- rows not loaded (No KK empty or damaged)
    duplicates      BIGINT NOT NULL,            -- rows repeating a family with the same data
    in_register     BIGINT,                     -- families whose No KK is in the DTKS register
    families_before BIGINT,                     -- families of the version current before
    opened          BIGINT,                     -- family versions opened (new or changed)
    closed          BIGINT,                     -- family versions closed (changed or gone)
    changed         BIGINT,                     -- families with new data (desil, region, ...)
    large_change    BOOLEAN NOT NULL DEFAULT false,   -- loaded with --perubahan-besar
    same_as_version INTEGER                     -- an earlier version with the same rows
);

-- One row per version of a family: a new DTSEN version closes the rows it changes or drops
-- (valid_to) and opens new ones (valid_from). Personal data (No KK, the head's name):
-- the same protection as dtks_person.
CREATE TABLE dtsen_family (
    no_kk                 VARCHAR NOT NULL,
    nama_kepala_keluarga  VARCHAR,
    desil_nasional        TINYINT,              -- 1 (poorest) .. 10; NULL = not given
    desil_provinsi        TINYINT,
    desil_kabupaten_kota  TINYINT,
    kode_wilayah          VARCHAR,              -- kelurahan/desa (Kemendagri, 10 digits) when the
                                                -- file's region code is one; else NULL
    kode_wilayah_sumber   VARCHAR,              -- the region code as the file gave it (digits)
    sumber                VARCHAR[],            -- source flags: DTKS, REGSOSEK, P3KE, ...
    row_hash              UBIGINT NOT NULL,
    valid_from            INTEGER NOT NULL,     -- version_id that brought this row
    valid_to              INTEGER               -- version_id that replaced it; NULL = current
);

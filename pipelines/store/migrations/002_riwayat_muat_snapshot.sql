-- 002: every snapshot load records who loaded it, the area the export covers and what it
-- changed; the same content may be loaded again (restoring an earlier snapshot), so
-- content_sha256 is no longer unique. Row hashes become MD5 over the stored values, computed
-- in SQL (snapshot_stage.sql), so they do not depend on a pandas or DuckDB version.

-- DuckDB cannot drop a UNIQUE constraint: the table is rebuilt.
CREATE TABLE dtks_snapshot_002 (
    snapshot_id      INTEGER PRIMARY KEY,
    content_sha256   VARCHAR NOT NULL,          -- fingerprint of the rows: same rows, same value
    source_files     VARCHAR[] NOT NULL,
    loaded_at        TIMESTAMP NOT NULL,
    person_count     BIGINT NOT NULL,           -- persons in the export
    household_count  BIGINT NOT NULL,
    kode_kabkota     VARCHAR,                   -- the kab/kota most rows belong to
    petugas          VARCHAR,                   -- who loaded it (NULL: before release 0.2)
    scope            VARCHAR NOT NULL DEFAULT 'penuh',  -- penuh (whole area) / sebagian
    scope_area       VARCHAR[],                 -- sebagian: the kecamatan/kelurahan codes named
    large_change     BOOLEAN NOT NULL DEFAULT false,    -- loaded with --perubahan-besar
    kelurahan        VARCHAR[],                 -- kelurahan codes present in the export
    persons_before   BIGINT,                    -- current persons before the load
    persons_after    BIGINT,                    -- and after
    opened           BIGINT,                    -- versions opened (new or changed persons)
    closed           BIGINT,                    -- versions closed (changed or gone)
    changed          BIGINT,                    -- persons with a new version of their data
    same_as_snapshot INTEGER                    -- an earlier snapshot with the same rows
);

INSERT INTO dtks_snapshot_002 (snapshot_id, content_sha256, source_files, loaded_at,
                               person_count, household_count, kode_kabkota)
SELECT snapshot_id, content_sha256, source_files, loaded_at, person_count, household_count,
       kode_kabkota
FROM dtks_snapshot;

DROP TABLE dtks_snapshot;

ALTER TABLE dtks_snapshot_002 RENAME TO dtks_snapshot;

-- Row hashes as snapshot_stage.sql computes them (a NULL is '', a value is '=' || value).
UPDATE dtks_person SET row_hash = md5_number_lower(concat_ws(chr(31),
    id_dtks, coalesce('=' || nik, ''), coalesce('=' || no_kk, ''), coalesce('=' || nama, ''),
    coalesce('=' || tempat_lahir, ''), coalesce('=' || CAST(tanggal_lahir AS VARCHAR), ''),
    coalesce('=' || jenis_kelamin, ''), coalesce('=' || hubungan_keluarga, ''),
    coalesce('=' || nama_ibu_kandung, ''), coalesce('=' || status_kawin, ''),
    coalesce('=' || pekerjaan, ''), coalesce('=' || alamat, ''), coalesce('=' || rt, ''),
    coalesce('=' || rw, ''), coalesce('=' || kode_wilayah, ''),
    coalesce('=' || CAST(pkh AS VARCHAR), ''), coalesce('=' || CAST(bpnt AS VARCHAR), ''),
    coalesce('=' || CAST(pbi AS VARCHAR), '')));

-- Before this release every load replaced the whole register, so snapshot k's rows are the
-- versions valid at k: its fingerprint, figures and kelurahan are recovered from history.
UPDATE dtks_snapshot AS s SET
    content_sha256 = h.fingerprint, persons_after = h.persons, kelurahan = h.kelurahan
FROM (
    SELECT s.snapshot_id,
           sha256(concat_ws(':', count(p.row_hash), sum(CAST(p.row_hash AS HUGEINT)),
                            bit_xor(p.row_hash))) AS fingerprint,
           count(p.row_hash) AS persons,
           list_sort(list(DISTINCT p.kode_wilayah) FILTER (p.kode_wilayah IS NOT NULL))
               AS kelurahan
    FROM dtks_snapshot AS s
    LEFT JOIN dtks_person AS p
      ON p.valid_from <= s.snapshot_id AND (p.valid_to IS NULL OR p.valid_to > s.snapshot_id)
    GROUP BY s.snapshot_id
) AS h
WHERE s.snapshot_id = h.snapshot_id;

UPDATE dtks_snapshot AS s SET
    opened = (SELECT count(*) FROM dtks_person WHERE valid_from = s.snapshot_id),
    closed = (SELECT count(*) FROM dtks_person WHERE valid_to = s.snapshot_id),
    changed = (SELECT count(DISTINCT a.id_dtks) FROM dtks_person AS a
               JOIN dtks_person AS b ON a.id_dtks = b.id_dtks
               WHERE a.valid_to = s.snapshot_id AND b.valid_from = s.snapshot_id),
    persons_before = coalesce((SELECT t.persons_after FROM dtks_snapshot AS t
                               WHERE t.snapshot_id < s.snapshot_id
                               ORDER BY t.snapshot_id DESC LIMIT 1), 0);

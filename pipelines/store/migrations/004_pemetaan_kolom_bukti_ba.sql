-- 004: how each kelurahan file's columns were read, scanned berita acara kept as a period's
-- evidence, and the berita acara decision's reason and the household it was matched to
-- (issue 13). Like period_problem, rows of the latest finalisation of a period.

-- the reason a musyawarah gave (meninggal, pindah, mampu, tidak_ditemukan, ganda,
-- tidak_layak, ditolak; '' when approved): on a registered family a request to deactivate
ALTER TABLE musyawarah_keputusan ADD COLUMN alasan_kode VARCHAR;

-- the prelist household a decision row was matched to (by No KK, head's NIK, a 16-digit key
-- or head's name with RT); NULL when it names no household of the prelist
ALTER TABLE musyawarah_keputusan ADD COLUMN kk_cocok VARCHAR;

CREATE TABLE period_column_map (
    period          VARCHAR NOT NULL,
    kode_wilayah    VARCHAR,
    folder          VARCHAR,
    source_file     VARCHAR NOT NULL,
    source_sheet    VARCHAR,
    jenis           VARCHAR,          -- prelist or berita acara
    kolom           VARCHAR NOT NULL, -- A, B, ... as Excel names the column
    judul           VARCHAR,          -- the header cell as typed
    dibaca_sebagai  VARCHAR,          -- the field it was read as, or '(tidak dipakai)'
    cara            VARCHAR,          -- 'judul kolom' or 'isi kolom'
    catatan         VARCHAR,
    periksa         VARCHAR           -- 'ya': recognised by its values, doubled, or codes
);

CREATE TABLE period_evidence (
    period          VARCHAR NOT NULL,
    kode_wilayah    VARCHAR NOT NULL,
    folder          VARCHAR,
    source_file     VARCHAR NOT NULL, -- the scan, relative to the period's raw folder
    sha256          VARCHAR NOT NULL, -- as read by the finalisation
    ukuran_byte     BIGINT,
    status          VARCHAR           -- 'bukti', or 'ditahan: hanya pindaian'
);

-- 005: the web desk (dtks serve): its user accounts, every act done through it with the user,
-- and letters revoked (dtks letter revoke, or the desk) (issue 18).

-- Desk accounts (dtks user add). The password is kept as an argon2id hash only. `versi` goes
-- up when the password changes or the account is switched off, which ends its open sessions.
CREATE TABLE desk_user (
    nama           VARCHAR PRIMARY KEY,        -- login name, unique whatever its case
    nama_kunci     VARCHAR NOT NULL UNIQUE,    -- lower(nama): the case-insensitive key
    peran          VARCHAR NOT NULL,           -- supervisor, operator, petugas data, ...
    sandi_hash     VARCHAR NOT NULL,           -- argon2id ($argon2id$...)
    aktif          BOOLEAN NOT NULL,
    versi          INTEGER NOT NULL,
    dibuat_pada    TIMESTAMP NOT NULL,
    diubah_pada    TIMESTAMP NOT NULL
);

-- Every act done through the desk, with the user and role: what and on what (a period, a
-- request or letter number, a kelurahan code), never a NIK, KK or name.
CREATE TABLE desk_action (
    pada       TIMESTAMP NOT NULL,
    pengguna   VARCHAR NOT NULL,
    peran      VARCHAR NOT NULL,
    aksi       VARCHAR NOT NULL,
    sasaran    VARCHAR,
    hasil      VARCHAR
);

-- A letter issued in error and revoked: the public check then says DICABUT and
-- dtks letter verify says TIDAK SAH.
CREATE TABLE letter_revoke (
    nomor         VARCHAR PRIMARY KEY,
    dicabut_pada  TIMESTAMP NOT NULL,
    petugas       VARCHAR NOT NULL,
    alasan        VARCHAR NOT NULL
);

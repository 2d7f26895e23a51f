"""Web desk accounts: roles, argon2id password hashes, and the record of every desk act.

Accounts live in the store (`desk_user`); `dtks user add` makes them, the desk checks them.
A password is kept as an argon2id hash only (argon2-cffi's defaults, RFC 9106's second
recommended set). `versi` goes up when a password changes or an account is switched off: the
desk's session cookies carry it, so such a change ends the sessions already open.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipelines.errors import DtksError
from pipelines.store import Store

# The desk's roles, as the Dinas names them. Their rights are in pipelines/web/roles.py.
# "kepala seksi" is there because the default review chain of data requests (Kabupaten Sekadau; docs/domain.md, Data-use requests)
# includes the Kepala Seksi, who must be able to review as themselves.
ROLES = {
    "supervisor": "Supervisor",
    "operator": "Operator",
    "petugas data": "Petugas Data",
    "kepala bidang": "Kepala Bidang",
    "kepala seksi": "Kepala Seksi",
    "sekretaris": "Sekretaris",
    "kepala dinas": "Kepala Dinas",
    "analis": "Analis",
}
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .'_-]{1,59}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# verifying against this keeps a login for an unknown name as slow as for a known one
_DUMMY = _hasher.hash("dtks-bukan-sandi-siapa-pun")


class AccountError(DtksError):
    "An account cannot be made or changed (bad name, role or password, unknown user)."


@dataclass(frozen=True)
class User:
    """A desk account as the desk needs it (never the hash)."""

    nama: str
    peran: str  # a key of ROLES
    aktif: bool
    versi: int

    @property
    def jabatan(self) -> str:
        """The role as people write it (Kepala Dinas), used in request events."""
        return ROLES[self.peran]


def role(value: str) -> str:
    """The role key of a role written any way ('Kepala Dinas', 'kepala_dinas'); else refused."""
    key = " ".join(str(value).replace("_", " ").casefold().split())
    if key not in ROLES:
        raise AccountError(f"Peran '{value}' tidak dikenal; pilih: {', '.join(ROLES)}.")
    return key


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD} karakter.")
    if password.strip() != password:
        raise AccountError("Kata sandi tidak boleh diawali atau diakhiri spasi.")


def add(store: Store, nama: str, peran: str, password: str) -> User:
    """Make an account; a name already taken (whatever its case) is refused."""
    nama = nama.strip()
    if not NAME_RE.match(nama):
        raise AccountError(
            "Nama pengguna 2-60 karakter: huruf, angka, spasi, titik, tanda hubung; "
            "diawali huruf atau angka."
        )
    key = role(peran)
    _check_password(password)
    if store.one("SELECT 1 FROM desk_user WHERE nama_kunci = ?", [nama.casefold()]):
        raise AccountError(
            f"Pengguna '{nama}' sudah ada. Untuk mengganti kata sandinya: "
            f'dtks user password "{nama}"'
        )
    now = dt.datetime.now()
    store.run(
        "INSERT INTO desk_user VALUES (?, ?, ?, ?, true, 1, ?, ?)",
        [nama, nama.casefold(), key, _hasher.hash(password), now, now],
    )
    return User(nama, key, True, 1)


def get(store: Store, nama: str) -> User | None:
    """The account of a login name (case-insensitive), or None."""
    row = store.one(
        "SELECT nama, peran, aktif, versi FROM desk_user WHERE nama_kunci = ?",
        [nama.strip().casefold()],
    )
    return User(*row) if row else None


def listing(store: Store) -> list[User]:
    """Every account, by name."""
    rows = store.execute(
        "SELECT nama, peran, aktif, versi FROM desk_user ORDER BY nama_kunci"
    ).fetchall()
    return [User(*r) for r in rows]


def authenticate(store: Store, nama: str, password: str) -> User | None:
    """The active account whose password this is, else None (same cost either way)."""
    row = store.one(
        "SELECT nama, peran, aktif, versi, sandi_hash FROM desk_user WHERE nama_kunci = ?",
        [nama.strip().casefold()],
    )
    try:
        _hasher.verify(row[4] if row else _DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or not row[2]:
        return None
    if _hasher.check_needs_rehash(row[4]):
        store.run(
            "UPDATE desk_user SET sandi_hash = ? WHERE nama = ?", [_hasher.hash(password), row[0]]
        )
    return User(row[0], row[1], row[2], row[3])


def set_password(store: Store, nama: str, password: str) -> User:
    """Give an account a new password (and switch it on); its open sessions end."""
    user = _existing(store, nama)
    _check_password(password)
    store.run(
        "UPDATE desk_user SET sandi_hash = ?, aktif = true, versi = versi + 1, diubah_pada = ? "
        "WHERE nama = ?",
        [_hasher.hash(password), dt.datetime.now(), user.nama],
    )
    return get(store, user.nama)  # type: ignore[return-value]


def deactivate(store: Store, nama: str) -> User:
    """Switch an account off (kept for the record); its open sessions end."""
    user = _existing(store, nama)
    store.run(
        "UPDATE desk_user SET aktif = false, versi = versi + 1, diubah_pada = ? WHERE nama = ?",
        [dt.datetime.now(), user.nama],
    )
    return get(store, user.nama)  # type: ignore[return-value]


def _existing(store: Store, nama: str) -> User:
    user = get(store, nama)
    if user is None:
        raise AccountError(f"Pengguna '{nama}' tidak ada (lihat: dtks user list).")
    return user


def record(
    store: Store, user: User | str, aksi: str, sasaran: str | None = None, hasil: str | None = None
) -> None:
    """One row of desk_action: who did what, on what. Never pass personal data here."""
    nama, peran = (user.nama, user.peran) if isinstance(user, User) else (user, "-")
    store.run(
        "INSERT INTO desk_action VALUES (?, ?, ?, ?, ?, ?)",
        [dt.datetime.now(), nama, peran, aksi, sasaran, hasil],
    )

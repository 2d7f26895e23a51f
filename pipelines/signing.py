"""The Dinas's signing key: PAdES signatures on letters and handover reports (pyHanko).

`dtks keys init` makes a self-signed certificate for the demo and for trying things out; a
real certificate is configured in dtks.toml:

    [tanda_tangan]
    pkcs12 = "/path/dinas.p12"          # password in the environment: DTKS_PKCS12_PASSWORD
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from pipelines.config import Home
from pipelines.errors import DtksError

FIELD = "TandaTanganDinas"


class SigningError(DtksError):
    "No usable signing key, or a signature that does not hold."


@dataclass
class Keys:
    key: Path
    cert: Path


def key_paths(home: Home) -> Keys:
    folder = home.root / "keys"
    return Keys(folder / "dinas-key.pem", folder / "dinas-cert.pem")


def salt_path(home: Home) -> Path:
    """The installation's secret salt for identity numbers (keys/garam-identitas)."""
    return home.root / "keys" / "garam-identitas"


def _keys_folder(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def write_secret(path: Path, data: bytes, exclusive: bool = False) -> None:
    """Write a secret readable by its owner only, from the first byte (no 0644 window)."""
    _keys_folder(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600) if hasattr(os, "fchmod") else None  # an older file kept its mode
        os.write(fd, data)
    finally:
        os.close(fd)


def identity_salt(home: Home) -> bytes:
    """The secret salt of this installation, made (0600) on first need and never replaced."""
    path = salt_path(home)
    if not path.exists():
        try:
            write_secret(path, secrets.token_hex(32).encode() + b"\n", exclusive=True)
        except FileExistsError:  # another process made it first
            pass
    value = path.read_text(encoding="ascii").strip()
    if len(value) < 32:
        raise SigningError(
            f"Garam rahasia {path} rusak atau terlalu pendek. Pulihkan dari cadangan folder "
            "keys/ (membuat yang baru membuat hash lama tidak dapat dicocokkan lagi)."
        )
    return bytes.fromhex(value) if all(c in "0123456789abcdef" for c in value) else value.encode()


def hash_identity(salt: bytes, digits: str) -> str:
    """Keyed hash (HMAC-SHA256) of an identity number, tagged so older hashes are told apart.

    Hashes made before the installation salt (a plain SHA-256 with the public default salt)
    are 64 hex digits without the tag; they cannot be rehashed without the raw number.
    """
    return "hmac1:" + hmac.new(salt, digits.encode(), hashlib.sha256).hexdigest()


def init_keys(home: Home, common_name: str, force: bool = False) -> Keys:
    """A 3072-bit RSA key and a self-signed certificate valid for five years."""
    paths = key_paths(home)
    if paths.key.exists() and not force:
        raise SigningError(
            f"Kunci sudah ada di {paths.key.parent}. Pakai --force untuk membuat "
            "ulang (surat dan berita acara lama tetap terverifikasi dengan "
            "sertifikat lama saja)."
        )
    _keys_folder(paths.key.parent)
    identity_salt(home)  # made with the keys; kept as it is when the keys are made again
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    write_secret(
        paths.key,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return paths


def _signer(home: Home):
    from pyhanko.sign import signers

    cfg = home.config.tanda_tangan
    if cfg.pkcs12:
        password = os.environ.get("DTKS_PKCS12_PASSWORD", "").encode() or None
        signer = signers.SimpleSigner.load_pkcs12(cfg.pkcs12, passphrase=password)
        if signer is None:
            raise SigningError(
                f"Berkas PKCS#12 {cfg.pkcs12} tidak dapat dibuka; periksa "
                "berkas dan DTKS_PKCS12_PASSWORD."
            )
        return signer
    paths = key_paths(home)
    if not paths.key.exists():
        raise SigningError("Kunci tanda tangan Dinas belum ada. Jalankan: dtks keys init")
    return signers.SimpleSigner.load(str(paths.key), str(paths.cert))


def trust_certificate(home: Home):
    """The certificate signatures are checked against (the Dinas's own)."""
    from pyhanko.keys import load_cert_from_pemder

    cfg = home.config.tanda_tangan
    if cfg.pkcs12:
        return _signer(home).signing_cert
    paths = key_paths(home)
    if not paths.cert.exists():
        raise SigningError(
            "Sertifikat Dinas belum ada (keys/dinas-cert.pem). Jalankan: dtks keys init"
        )
    return load_cert_from_pemder(str(paths.cert))


def sign_pdf(home: Home, source: Path, target: Path, reason: str) -> Path:
    """Sign source into target (PAdES, SHA-256); target is written whole or not at all."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _signer(home)
    tmp = target.with_suffix(target.suffix + ".tmp")
    with source.open("rb") as inf, tmp.open("wb") as out:
        signers.sign_pdf(
            IncrementalPdfFileWriter(inf),
            signers.PdfSignatureMetadata(
                field_name=FIELD,
                md_algorithm="sha256",
                subfilter=fields.SigSeedSubFilter.PADES,
                reason=reason,
            ),
            signer=signer,
            output=out,
        )
    tmp.replace(target)
    return target


def verify_pdf(home: Home, path: Path) -> tuple[bool, str]:
    """(valid?, Indonesian explanation) for the Dinas signature of a PDF."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        with path.open("rb") as fh:
            reader = PdfFileReader(fh, strict=False)
            sigs = reader.embedded_signatures
            if not sigs:
                return False, "PDF tidak bertanda tangan."
            status = validate_pdf_signature(
                sigs[0],
                ValidationContext(trust_roots=[trust_certificate(home)], allow_fetching=False),
            )
    except SigningError:
        raise
    except Exception as exc:  # a damaged file fails to parse
        return False, f"PDF rusak atau telah diubah ({type(exc).__name__})."
    if not status.intact:
        return False, "Isi PDF berubah setelah ditandatangani."
    if not status.valid or not status.trusted:
        return False, "Tanda tangan tidak sah untuk sertifikat Dinas ini."
    if status.coverage.name not in ("ENTIRE_FILE", "ENTIRE_REVISION"):
        return False, "Ada tambahan pada PDF setelah ditandatangani."
    if status.coverage.name == "ENTIRE_REVISION":
        return False, "Ada revisi tambahan pada PDF setelah ditandatangani."
    return True, "Tanda tangan Dinas sah dan isi PDF utuh."


def _private_key(home: Home):
    cfg = home.config.tanda_tangan
    if cfg.pkcs12:
        from cryptography.hazmat.primitives.serialization import pkcs12

        password = os.environ.get("DTKS_PKCS12_PASSWORD", "").encode() or None
        key, _, _ = pkcs12.load_key_and_certificates(Path(cfg.pkcs12).read_bytes(), password)
        return key
    paths = key_paths(home)
    if not paths.key.exists():
        raise SigningError("Kunci tanda tangan Dinas belum ada. Jalankan: dtks keys init")
    return serialization.load_pem_private_key(paths.key.read_bytes(), password=None)


def sign_bytes(home: Home, data: bytes) -> bytes:
    """A detached RSA-PSS/SHA-256 signature of data with the Dinas key."""
    from cryptography.hazmat.primitives.asymmetric import padding

    return _private_key(home).sign(
        data,
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH),
        hashes.SHA256(),
    )


def verify_bytes(home: Home, data: bytes, signature: bytes) -> bool:
    """True when signature is the Dinas's over data."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    cert = x509.load_der_x509_certificate(trust_certificate(home).dump())
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):  # sign_bytes signs with RSA-PSS only
        return False
    try:
        key.verify(
            signature,
            data,
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH),
            hashes.SHA256(),
        )
    except InvalidSignature:
        return False
    return True

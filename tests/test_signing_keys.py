"""A request package's manifest signature is checked with the Dinas certificate's own key."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pipelines import signing
from pipelines.config import Home


def test_a_certificate_with_a_non_rsa_key_makes_a_signature_invalid_not_a_crash(tmp_path):
    """A Dinas certificate with an EC key (a PKCS#12 from another CA): the RSA-PSS manifest
    signature cannot be its, so the package is TIDAK SAH; before, verification raised."""
    home = Home(tmp_path)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Dinas Sosial Uji")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    paths = signing.key_paths(home)
    paths.cert.parent.mkdir(parents=True)
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    manifest = b'{"nomor": "REQ-2026-0001"}'
    signature = key.sign(manifest, ec.ECDSA(hashes.SHA256()))  # a valid EC signature, even
    assert signing.verify_bytes(home, manifest, signature) is False

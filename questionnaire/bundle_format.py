"""The evidence bundle's format: names, limits, canonical JSON, digests and Ed25519 keys.

Shared by writing (:mod:`questionnaire.bundle`) and reading (:mod:`questionnaire.bundle_read`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from questionnaire.errors import InputFileError, OptionalDependencyMissing, UserInputError

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://questionnaire.dev/evidence-bundle/v1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SUMS = "SHA256SUMS"

MAX_ENTRIES = 10_000
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
_WRITE_RATIO_LIMIT = 50  # entries compressing better than this are stored, so our own bundles never look like bombs


def canonical_json(value: Any) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    return (json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _load_private_key(sign_key: Any):
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    except ImportError:
        raise OptionalDependencyMissing(
            "signing needs the optional 'cryptography' package: pip install 'questionnaire[sign]'"
        ) from None
    if isinstance(sign_key, Ed25519PrivateKey):
        return sign_key
    data = _key_bytes(sign_key, "signing key")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise UserInputError("the signing key is encrypted; use an unencrypted Ed25519 PEM private key") from None
    except (ValueError, Exception) as e:  # noqa: BLE001 - cryptography raises several types
        raise UserInputError(f"cannot read the signing key: not a PEM private key ({type(e).__name__})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UserInputError("the signing key is not an Ed25519 key (generate one with: openssl genpkey -algorithm ed25519)")
    return key


def _load_public_key(key: Any):
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    except ImportError:
        raise OptionalDependencyMissing(
            "checking signatures needs the optional 'cryptography' package: pip install 'questionnaire[sign]'"
        ) from None
    if isinstance(key, Ed25519PublicKey):
        return key
    if isinstance(key, Ed25519PrivateKey):
        return key.public_key()
    data = _key_bytes(key, "public key")
    try:
        pub = serialization.load_pem_public_key(data)
    except Exception as e:  # noqa: BLE001
        raise UserInputError(f"cannot read the public key: not a PEM public key ({type(e).__name__})") from None
    if not isinstance(pub, Ed25519PublicKey):
        raise UserInputError("the public key is not an Ed25519 key")
    return pub


def _key_bytes(key: Any, what: str) -> bytes:
    if isinstance(key, bytes):
        return key
    path = Path(key)
    try:
        if path.stat().st_size > 64 * 1024:
            raise UserInputError(f"{path}: too large for a {what}")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{path}: {what} file not found") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a directory, expected a PEM {what} file") from None
    except OSError as e:
        raise InputFileError(f"{path}: cannot read {what}: {e.strerror}") from None

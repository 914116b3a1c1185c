"""Protection of the CCCD: Fernet encryption and a keyed hash, both keyed from DATA_KEY.

Two independent sub-keys are derived from the configured DATA_KEY with HKDF-SHA256, one to
encrypt and one to hash, so that neither use weakens the other. Plain Python (no Flask)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_SALT = b"hoi-thi-cchc/personal-data/v1"


def _derive(data_key: str, purpose: bytes) -> bytes:
    if not data_key:
        raise ValueError("DATA_KEY is empty")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose).derive(
        data_key.encode("utf-8"))


@lru_cache(maxsize=8)
def _fernet(data_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(data_key, b"cccd-encryption")))


@lru_cache(maxsize=8)
def _hash_key(data_key: str) -> bytes:
    return _derive(data_key, b"cccd-keyed-hash")


def encrypt(data_key: str, value: str) -> bytes:
    """Authenticated encryption (Fernet); a fresh random IV each time."""
    return _fernet(data_key).encrypt(value.encode("ascii"))


def decrypt(data_key: str, token: bytes) -> str:
    return _fernet(data_key).decrypt(bytes(token)).decode("ascii")


def keyed_hash(data_key: str, value: str) -> str:
    """HMAC-SHA256 of the value (hex, 64 chars): stable for a key, useless without it."""
    return hmac.new(_hash_key(data_key), value.encode("ascii"), hashlib.sha256).hexdigest()

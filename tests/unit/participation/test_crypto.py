"""CCCD protection: the keyed hash is stable for a key and changes with it; encryption round
trips, never shows the number, and cannot be read with another key."""

from __future__ import annotations

import pytest
from cryptography.fernet import InvalidToken
from hypothesis import given
from hypothesis import strategies as st

from contest_app.participation import crypto

KEY = "a-long-random-data-key-for-the-unit-tests-0123456789"
OTHER = "another-long-random-data-key-for-the-unit-tests-987"
CCCD = "001203004567"


def test_keyed_hash_is_stable_and_key_dependent() -> None:
    first = crypto.keyed_hash(KEY, CCCD)
    assert first == crypto.keyed_hash(KEY, CCCD)
    assert len(first) == 64 and int(first, 16) >= 0
    assert crypto.keyed_hash(OTHER, CCCD) != first
    assert crypto.keyed_hash(KEY, "001203004568") != first
    assert CCCD not in first
    # Not a plain (unkeyed) SHA-256 of the number, which anyone could recompute.
    import hashlib

    assert first != hashlib.sha256(CCCD.encode()).hexdigest()


def test_encryption_round_trip_and_fresh_ciphertexts() -> None:
    token = crypto.encrypt(KEY, CCCD)
    assert isinstance(token, bytes) and CCCD.encode() not in token
    assert crypto.decrypt(KEY, token) == CCCD
    assert crypto.encrypt(KEY, CCCD) != token  # random IV: equal numbers look different
    with pytest.raises(InvalidToken):
        crypto.decrypt(OTHER, token)
    tampered = token[:-2] + (b"A" if token[-2:-1] != b"A" else b"B") + token[-1:]
    with pytest.raises(InvalidToken):
        crypto.decrypt(KEY, tampered)


def test_encryption_and_hash_use_different_subkeys() -> None:
    assert crypto._derive(KEY, b"cccd-encryption") != crypto._derive(KEY, b"cccd-keyed-hash")
    with pytest.raises(ValueError):
        crypto.keyed_hash("", CCCD)


@given(st.from_regex(r"[0-9]{12}", fullmatch=True))
def test_round_trip_any_number(number: str) -> None:
    assert crypto.decrypt(KEY, crypto.encrypt(KEY, number)) == number

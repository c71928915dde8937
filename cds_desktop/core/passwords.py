"""Passwords: scrypt hashes in a self-describing string and constant-time checks.

A hash reads ``scrypt$15$8$1$<salt base64>$<hash base64>`` (log2 N, r, p, 16-byte salt, 32-byte key), so the
cost can be raised later while old hashes keep verifying. N = 2**15, r = 8 uses 32 MiB and about 0.1 s — fine
on an old office PC, slow enough for guessing. Passwords are NFC-normalized first: the same Vietnamese
password typed with a different input method (composed or decomposed tone marks) must match.

Whether a NEW password or passphrase is strong enough is ``core/services/passphrase_strength.py``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cds_desktop.core.text import nfc

MIN_PASSWORD_LENGTH = 8
LOG_N, R, P = 15, 8, 1
MAX_LOG_N = 20  # a stored hash cannot ask for more than 1 GiB
_SALT_BYTES, _KEY_BYTES = 16, 32


def _derive(password: str, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(nfc(password).encode("utf-8"), salt=salt, n=2**log_n, r=r, p=p,
                          maxmem=129 * r * (2**log_n) * p + 1024 * 1024, dklen=_KEY_BYTES)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    salt = os.urandom(_SALT_BYTES)
    return f"scrypt${LOG_N}${R}${P}${_b64(salt)}${_b64(_derive(password, salt, LOG_N, R, P))}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches ``encoded``; a malformed or unknown hash matches nothing."""
    try:
        name, log_n, r, p, salt, expected = encoded.split("$")
        log_n, r, p = int(log_n), int(r), int(p)
        salt_bytes, expected_bytes = base64.b64decode(salt, validate=True), base64.b64decode(expected, validate=True)
    except ValueError:
        return False
    if name != "scrypt" or not (1 <= log_n <= MAX_LOG_N and 1 <= r <= 32 and 1 <= p <= 16):
        return False
    return hmac.compare_digest(_derive(password, salt_bytes, log_n, r, p), expected_bytes)

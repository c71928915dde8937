"""Passwords: scrypt hashes in a self-describing string, constant-time checks, and a strength hint.

A hash reads ``scrypt$15$8$1$<salt base64>$<hash base64>`` (log2 N, r, p, 16-byte salt, 32-byte key), so the
cost can be raised later while old hashes keep verifying. N = 2**15, r = 8 uses 32 MiB and about 0.1 s — fine
on an old office PC, slow enough for guessing. Passwords are NFC-normalized first: the same Vietnamese
password typed with a different input method (composed or decomposed tone marks) must match.

``strength`` gives a rough score (0..4) and a translated hint, for account passwords and for the signing-key
passphrase alike.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Strength:
    score: int  # 0 too short, 1 weak, 2 fair, 3 good, 4 strong
    message_id: str


_COMMON = frozenset({
    "password", "password1", "passw0rd", "12345678", "123456789", "1234567890", "87654321", "11111111",
    "00000000", "abcd1234", "qwertyui", "qwerty123", "iloveyou", "matkhau", "matkhau1", "matkhau123",
    "admin123", "admin1234", "administrator", "12345678a", "a12345678", "abc12345", "khongbiet",
})


def _pool(secret: str) -> int:
    """How many symbols each character is drawn from, judged by the kinds present."""
    pool = 0
    if any(c.islower() and c.isascii() for c in secret):
        pool += 26
    if any(c.isupper() and c.isascii() for c in secret):
        pool += 26
    if any(c.isdigit() for c in secret):
        pool += 10
    if any(not c.isalnum() and c.isascii() for c in secret):
        pool += 33
    if any(not c.isascii() for c in secret):
        pool += 100  # Vietnamese letters with tone marks and other non-ASCII characters
    return pool


def _is_run(secret: str) -> bool:
    """One character repeated, or a straight run such as ``12345678`` or ``abcdefgh``."""
    steps = {ord(b) - ord(a) for a, b in zip(secret, secret[1:])}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def strength(secret: str) -> Strength:
    secret = nfc(secret)
    if len(secret) < MIN_PASSWORD_LENGTH:
        return Strength(0, "password.strength.too_short")
    if secret.casefold() in _COMMON or _is_run(secret.casefold()) or len(set(secret)) <= 3:
        return Strength(1, "password.strength.weak")
    bits = len(secret) * math.log2(_pool(secret))
    score = 1 if bits < 40 else 2 if bits < 60 else 3 if bits < 80 else 4
    return Strength(score, ("password.strength.weak", "password.strength.fair", "password.strength.good",
                            "password.strength.strong")[score - 1])

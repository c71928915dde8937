"""How strong a new password or signing-key passphrase is: the one rule for every place one is chosen.

``check_new_secret`` refuses a NEW secret (an account's password, the commune's signing-key passphrase, the
office's keys' passphrase) that is too short, only digits (a date, a phone number), one pattern repeated or
straight (``aaaaaaaa``, ``abcdefgh``, ``20252025``), or one of the most common passwords of breached lists
(``resources/common-passwords.txt``, its source named in its header) — compared case-insensitively, without
spaces and accents, and without the digits or signs people add before or after a word (``Password 2025!``).
The set-up (``setup.py``), the accounts (``accounts.py``), the commune's key rotation (``commune/exchange.py``)
and the office's keys (``office/keys.py``) call it; secrets chosen before keep working (signing in and opening
a key never check it).

``strength`` is the live hint the UI shows while the secret is typed (``ui/setup_wizard/secret_fields.py``):
the refusal's reason when ``check_new_secret`` would refuse it, else a rough score.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from cds_desktop.core.errors import InputError
from cds_desktop.core.passwords import MIN_PASSWORD_LENGTH
from cds_desktop.core.resources import resources_dir
from cds_desktop.core.text import nfc

COMMON_PASSWORDS_FILE = "common-passwords.txt"
_EDGE_SIGNS = "0123456789!@#$%^&*()-_=+.,;:?/\\|~`'\"[]{}<>"


class SecretKind(StrEnum):
    PASSWORD = "password"  # an account's password
    PASSPHRASE = "passphrase"  # the passphrase protecting a signing or encryption key


class Weakness(StrEnum):
    TOO_SHORT = "too_short"
    DIGITS_ONLY = "digits_only"
    REPETITIVE = "repetitive"
    COMMON = "common"


_TOO_SHORT_CODES = {SecretKind.PASSWORD: "account.password_too_short",
                    SecretKind.PASSPHRASE: "bundle.passphrase_too_short"}


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list, each entry as ``_core`` makes it."""
    lines = (resources_dir() / COMMON_PASSWORDS_FILE).read_text(encoding="utf-8").splitlines()
    return frozenset(filter(None, (_core(line) for line in lines if not line.startswith("#"))))


def _folded(secret: str) -> str:
    """Lower case, no spaces, no accents (``Mật Khẩu`` → ``matkhau``)."""
    text = unicodedata.normalize("NFD", nfc(secret).casefold().replace("đ", "d"))
    return "".join(c for c in text if not c.isspace() and not unicodedata.combining(c))


def _core(secret: str) -> str:
    """The word people dress up with digits or signs before and after it (``!Password2025`` → ``password``)."""
    return _folded(secret).strip(_EDGE_SIGNS)


def _repetitive(folded: str) -> bool:
    """Few distinct characters, a straight run (``12345678``, ``abcdefgh``) or a short unit repeated."""
    if len(set(folded)) <= 3:
        return True
    steps = {ord(b) - ord(a) for a, b in zip(folded, folded[1:])}
    if len(steps) == 1 and steps <= {-1, 1}:
        return True
    return any(len(folded) % size == 0 and folded == folded[:size] * (len(folded) // size) for size in range(2, 5))


def weakness(secret: str) -> Weakness | None:
    """Why ``secret`` may not be chosen (None: it may)."""
    secret = nfc(secret or "")
    if len(secret) < MIN_PASSWORD_LENGTH:
        return Weakness.TOO_SHORT
    folded = _folded(secret)
    if not any(c.isalpha() for c in folded) and sum(c.isdigit() for c in folded) * 2 >= len(folded):
        return Weakness.DIGITS_ONLY
    if _repetitive(folded):
        return Weakness.REPETITIVE
    common = common_passwords()
    if folded in common or _core(secret) in common:
        return Weakness.COMMON
    return None


def check_new_secret(secret: str, kind: SecretKind) -> None:
    """``InputError`` saying why ``secret`` is too weak to be chosen as a new ``kind``; nothing when it may be."""
    found = weakness(secret)
    if found is None:
        return
    if found is Weakness.TOO_SHORT:
        raise InputError(_TOO_SHORT_CODES[kind], minimum=MIN_PASSWORD_LENGTH)
    raise InputError(f"{kind.value}.{found.value}")


@dataclass(frozen=True)
class Strength:
    score: int  # 0 refused, 1 weak, 2 fair, 3 good, 4 strong
    message_id: str


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


def strength(secret: str) -> Strength:
    """The hint shown while a secret is typed: why it would be refused (score 0), else how strong it is."""
    secret = nfc(secret)
    found = weakness(secret)
    if found is not None:
        return Strength(0, f"password.strength.{found.value}")
    bits = len(secret) * math.log2(_pool(secret))
    score = 1 if bits < 40 else 2 if bits < 60 else 3 if bits < 80 else 4
    return Strength(score, ("password.strength.weak", "password.strength.fair", "password.strength.good",
                            "password.strength.strong")[score - 1])

"""Hostile file contents for the "every file the app reads is hostile input" tests.

``hostile_bytes(valid)`` is a hypothesis strategy of byte strings that a reader of some file kind must refuse
with a specific, typed error (never a traceback, never a hang): random bytes, the valid file cut, flipped,
repeated or padded, wrong encodings (UTF-16, Latin-1, invalid UTF-8, BOMs, NUL bytes), deep nesting and
alias bombs for JSON and YAML, huge numbers, NFD text and control characters inside strings.
``FIXED_CASES`` names a few of each kind for plain parametrized tests (fast, and readable in a failure).
"""

from __future__ import annotations

import unicodedata

from hypothesis import strategies as st

DEEP = 5_000
YAML_BOMB = (
    b"a: &a ['x','x','x','x','x','x','x','x','x']\n"
    + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n".encode()
        for i in range(8)
    )
)
NFD_TEXT = unicodedata.normalize("NFD", "Xã Nhân Cơ, Đắk Nông").encode("utf-8")

FIXED_CASES: dict[str, bytes] = {
    "empty": b"",
    "nul": b"\x00" * 64,
    "random": bytes(range(256)) * 4,
    "invalid_utf8": b"\xff\xfe\xfd not utf-8 \xc3\x28",
    "utf16": "tên: Xã Nhân Cơ\n".encode("utf-16"),
    "latin1": "tên: Xã Nhân Cơ\n".encode("utf-8").decode("latin-1").encode("latin-1"),
    "bom_only": b"\xef\xbb\xbf",
    "deep_json": b"[" * DEEP + b"]" * DEEP,
    "deep_json_object": b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    "deep_yaml": b"a:\n" + b"".join(b"  " * i + b"- \n" for i in range(1, 300)),
    "yaml_bomb": YAML_BOMB,
    "huge_number": b'{"n": 1e400, "m": ' + b"9" * 5000 + b"}",
    "huge_line": b"x" * 2_000_000,
    "json_scalar": b"42",
    "json_list": b"[1, 2, 3]",
    "nfd_text": NFD_TEXT,
    "control_chars": "tên: \x1b[31mđỏ\x1b[0m \u202e\x07\n".encode("utf-8"),
}


def hostile_bytes(valid: bytes = b"") -> st.SearchStrategy[bytes]:
    """Byte strings derived from ``valid`` (cut, flipped, padded, repeated) or made from nothing."""
    cases = [st.sampled_from(list(FIXED_CASES.values())), st.binary(max_size=4096)]
    if valid:
        size = len(valid)
        cases += [
            st.integers(0, size - 1).map(lambda n: valid[:n]),
            st.tuples(st.integers(0, size - 1), st.integers(1, 255)).map(
                lambda t: valid[: t[0]] + bytes([valid[t[0]] ^ t[1]]) + valid[t[0] + 1 :]
            ),
            st.binary(min_size=1, max_size=64).map(lambda junk: valid + junk),
            st.binary(min_size=1, max_size=64).map(lambda junk: junk + valid),
            st.integers(0, size).map(lambda n: valid[:n] + b"\x00" + valid[n:]),
        ]
    return st.one_of(*cases)

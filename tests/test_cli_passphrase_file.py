"""The passphrase file of ``--passphrase-file`` and ``--old-passphrase-file``, through the real ``cds`` command.

One test per rule of ``docs/bundle-format.md`` §13 "Passphrase files": the file is UTF-8; its first line is the
passphrase and the line ending and any later line are not part of it; nothing else is stripped; the passphrase is
used in NFC; an empty first line is an empty passphrase; a file that cannot be read is refused before anything is
created. Each check seals or opens a real key file (scrypt), so the office is made once for the module.
"""

from __future__ import annotations

import contextlib
import io
import json
import unicodedata
from pathlib import Path

import pytest

from cds_desktop.cli import main

PASSPHRASE = "  Mật khẩu Sở Khoa học  "  # NFC, with spaces around it on purpose
NFC = unicodedata.normalize("NFC", PASSPHRASE)
NFD = unicodedata.normalize("NFD", PASSPHRASE)


def run(data_dir: Path, *args: str) -> tuple[int, dict]:
    """``cds --json …`` with ``data_dir``; the exit code and the JSON it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--data-dir", str(data_dir), "--lang", "en", "--user", "clerk", *args, "--json"])
    return code, json.loads(out.getvalue() or "{}")


def error_code(result: tuple[int, dict]) -> tuple[int, str | None]:
    code, printed = result
    return code, (printed.get("error") or {}).get("code")


def key_files(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "keys").glob("*.key")) if (data_dir / "keys").exists() else []


def init_office(data_dir: Path, passphrase_file: Path) -> tuple[int, dict]:
    return run(data_dir, "init", "office", "--code", "68", "--name", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
               "--level", "province", "--passphrase-file", str(passphrase_file))


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """An office whose keys were sealed from a file holding the passphrase in NFD, ended by CR LF, then a 2nd line."""
    folder = tmp_path_factory.mktemp("office")
    created_with = folder / "created-with.txt"
    created_with.write_bytes(NFD.encode("utf-8") + b"\r\nthis second line is not read\r\n")
    assert init_office(folder / "data", created_with)[0] == 0
    assert NFD != NFC and NFD.encode() in created_with.read_bytes()
    return folder


def opens_office_keys(office: Path, content: bytes) -> tuple[int, str | None]:
    """Export the org-keys file (which opens the root key) with a passphrase file holding ``content``."""
    passphrase_file = office / "try.txt"
    passphrase_file.write_bytes(content)
    return error_code(run(office / "data", "office", "export-keys", str(office / "org-keys.json"),
                          "--passphrase-file", str(passphrase_file)))


@pytest.mark.parametrize("after", [b"", b"\n", b"\r\n", b"\r", b"\nanother line\n"],
                         ids=["no-newline", "LF", "CRLF", "CR", "later-lines"])
def test_the_first_line_is_the_passphrase_without_its_line_ending(office: Path, after: bytes) -> None:
    assert opens_office_keys(office, NFC.encode("utf-8") + after) == (0, None)


def test_spaces_around_the_passphrase_are_part_of_it(office: Path) -> None:
    assert opens_office_keys(office, NFC.strip().encode("utf-8") + b"\n") == (1, "bundle.wrong_passphrase")
    assert opens_office_keys(office, NFC.encode("utf-8") + b" \n") == (1, "bundle.wrong_passphrase")


def test_the_passphrase_is_used_in_nfc(office: Path) -> None:
    """The keys were sealed from an NFD file: the NFC form (what a prompt usually gives) opens them."""
    assert opens_office_keys(office, NFC.encode("utf-8")) == (0, None)


def test_a_byte_order_mark_is_not_part_of_the_passphrase(office: Path) -> None:
    assert opens_office_keys(office, b"\xef\xbb\xbf" + NFC.encode("utf-8") + b"\r\n") == (0, None)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_a_file_that_is_not_utf8_is_refused_before_anything_is_created(tmp_path: Path, encoding: str) -> None:
    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_bytes("Passwörter für das Amt\n".encode(encoding))

    assert error_code(init_office(tmp_path / "data", passphrase_file)) == (2, "keys.passphrase_file_not_utf8")
    assert key_files(tmp_path / "data") == []


def test_a_file_that_is_not_utf8_is_explained_in_vietnamese(tmp_path: Path) -> None:
    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_bytes("Passwörter für das Amt\n".encode("cp1252"))

    code, printed = init_office(tmp_path / "data", passphrase_file)

    assert code == 2 and "codec" not in printed["error"]["message_vi"]


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert error_code(init_office(tmp_path / "data", tmp_path / "absent.txt")) == (2, "keys.unreadable_file")
    assert key_files(tmp_path / "data") == []


@pytest.mark.parametrize("content", [b"", b"\n", b"\na long enough passphrase on the second line\n"],
                         ids=["empty-file", "empty-line", "empty-first-line"])
def test_an_empty_first_line_is_an_empty_passphrase(tmp_path: Path, content: bytes) -> None:
    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_bytes(content)

    # refused as a value (exit 2) by the strength rule for new passphrases, before any key is made
    assert error_code(init_office(tmp_path / "data", passphrase_file)) == (2, "bundle.passphrase_too_short")
    assert key_files(tmp_path / "data") == []


def test_the_old_passphrase_file_follows_the_same_rules(tmp_path: Path) -> None:
    """A commune rotates its signing key: the old key opens from an NFD, CR LF file with a second line."""
    data = tmp_path / "data"
    first, old, new = tmp_path / "first.txt", tmp_path / "old.txt", tmp_path / "new.txt"
    first.write_bytes(NFC.encode("utf-8") + b"\n")
    old.write_bytes(NFD.encode("utf-8") + b"\r\nnot read\r\n")
    new.write_bytes("mật khẩu mới của xã\n".encode())
    assert run(data, "init", "commune", "--province", "68", "--commune", "24751", "--name", "Xã Nhân Cơ")[0] == 0
    assert run(data, "keys", "generate", "--passphrase-file", str(first))[0] == 0
    wrong_old = tmp_path / "wrong-old.txt"
    wrong_old.write_bytes(NFC.strip().encode("utf-8") + b"\n")

    refused = run(data, "keys", "generate", "--old-passphrase-file", str(wrong_old), "--passphrase-file", str(new))
    rotated = run(data, "keys", "generate", "--old-passphrase-file", str(old), "--passphrase-file", str(new))

    assert error_code(refused) == (1, "bundle.wrong_passphrase")
    assert rotated[0] == 0 and len(key_files(data)) == 2

"""Every file the office and the commune read besides bundles is hostile input: the commune list (CSV), private
key files, org-keys files, enrollments and receipts. Whatever their content, size, encoding or nesting, the
answer is the reader's result or a specific ``CdsError`` — never another exception, never a hang.

Contents come from ``tests/support/hostile.py`` (cut, flipped, padded, wrong encodings, deep nesting, huge numbers,
NFD, control characters), seeded with a valid file of each kind, and from JSON-level mutations of those files.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.hostile import FIXED_CASES, hostile_bytes

from cds_desktop.core.bundle.canonical import encode
from cds_desktop.core.bundle.keyfiles import org_keys_root_fingerprint, read_enrollment, verify_org_keys
from cds_desktop.core.bundle.keys import SigningKey
from cds_desktop.core.bundle.private_keys import open_private_key
from cds_desktop.core.bundle.receipts import verify_receipt
from cds_desktop.core.errors import CdsError

from .conftest import PASS_OFFICE
from .forging import build_world, unfilled

GOLDEN = Path(__file__).parents[2] / "fixtures" / "bundles"
KEYS = json.loads((GOLDEN / "keys.json").read_text())
ROOT = SigningKey.from_seed(bytes.fromhex(KEYS["office_root"]))
COMMUNE_KEY = SigningKey.from_seed(bytes.fromhex(KEYS["commune_signing"]))
NOW = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
GOLDEN_PASSPHRASE = "mật khẩu thử nghiệm"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def golden(name: str) -> bytes:
    return (GOLDEN / name).read_bytes()


def answer(read, data: bytes):
    """``read(data)``: a result, or a ``CdsError`` with a finished message in both languages and exit code 1/2."""
    try:
        return read(data)
    except CdsError as error:
        assert error.exit_code in (1, 2)
        for language in ("vi", "en"):
            text = error.message(language)
            assert text and "Traceback" not in text and "pydantic" not in text and "http" not in text, text
            assert unfilled(error, language) == set(), text
        return error


def hostile_json(valid: bytes) -> st.SearchStrategy[bytes]:
    """The valid document with one value anywhere in it replaced by a hostile one (then encoded canonically)."""
    document = json.loads(valid)
    leaves = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False),
                       st.text(max_size=300), st.just("e\u0301" * 50), st.just("\x1b[31m\u202e"),
                       st.just([[[[[[[[[[[]]]]]]]]]]]), st.just({"": {"": {"": None}}}))
    values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=8), inner, max_size=3), max_leaves=8)

    def paths(node, prefix=()):
        yield prefix
        if isinstance(node, dict):
            for key, child in node.items():
                yield from paths(child, (*prefix, key))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                yield from paths(child, (*prefix, index))

    def replace(node, path, value):
        if not path:
            return value
        node = json.loads(json.dumps(node))
        parent = node
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = value
        return node

    def encoded(value) -> bytes:
        try:
            return encode(value)
        except ValueError:  # floats the canonical encoder cannot write: as plain JSON text
            return json.dumps(value).encode()

    return st.tuples(st.sampled_from(list(paths(document))), values).map(
        lambda pv: encoded(replace(document, *pv)))


def any_hostile(valid: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(hostile_bytes(valid), hostile_json(valid))


LIBRARY_READERS = {
    "org-keys": (golden("golden-org-keys.json"),
                 lambda d: verify_org_keys(d, pinned_root=ROOT.public.fingerprint, now=NOW)),
    "org-keys fingerprint": (golden("golden-org-keys.json"), org_keys_root_fingerprint),
    "enrollment": (golden("golden-enrollment.json"), read_enrollment),
    "rotation": (golden("golden-rotation.json"), lambda d: read_enrollment(d)),
    "receipt": (golden("golden-receipt.json"), lambda d: verify_receipt(d, root=ROOT.public, commune="24751")),
}


@pytest.mark.parametrize("reader", list(LIBRARY_READERS))
def test_key_file_readers_answer_every_hostile_file_with_a_typed_error(reader):
    valid, read = LIBRARY_READERS[reader]
    assert not isinstance(answer(read, valid), CdsError)  # the seed itself is read

    @SETTINGS
    @given(any_hostile(valid))
    def check(data):
        answer(read, data)

    check()


def test_private_key_files_answer_every_hostile_file_with_a_typed_error():
    valid = golden("golden-private-key.json")
    assert not isinstance(answer(lambda d: open_private_key(d, GOLDEN_PASSPHRASE), valid), CdsError)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))  # scrypt: ~0.3 s a try
    @given(any_hostile(valid))
    def check(data):
        answer(lambda d: open_private_key(d, GOLDEN_PASSPHRASE), data)

    check()


@pytest.mark.parametrize("case", list(FIXED_CASES))
def test_fixed_hostile_cases_for_every_library_reader(case):
    for _, read in LIBRARY_READERS.values():
        assert isinstance(answer(read, FIXED_CASES[case]), CdsError)
    assert isinstance(answer(lambda d: open_private_key(d, GOLDEN_PASSPHRASE), FIXED_CASES[case]), CdsError)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = build_world(tmp_path_factory.mktemp("hostile"))
    yield world
    world.close()


VALID_CSV = "Mã số,Tên,Mã tỉnh\n24751,Xã Nhân Cơ,68\n24752,\"Phường Bắc Gia Nghĩa\",68\n".encode()


def office_readers(world, folder: Path):
    def through_file(read):
        def call(data: bytes):
            path = folder / "input.bin"
            path.write_bytes(data)
            return read(path)
        return call

    rotation = golden("golden-rotation.json")
    return {
        "communes": (VALID_CSV, through_file(world.office.import_communes)),
        "enroll": (golden("golden-enrollment.json"),
                   through_file(lambda p: world.office.enroll(p, COMMUNE_KEY.public.fingerprint))),
        "enrollment claims": (rotation, through_file(world.office.enrollment_claims)),
        "org-keys at the commune": (golden("golden-org-keys.json"),
                                    through_file(lambda p: world.exchange.import_office_keys(p))),
        "receipt at the commune": (golden("golden-receipt.json"),
                                   through_file(lambda p: world.exchange.import_receipt(p, "lan"))),
    }


@pytest.mark.parametrize("reader", ["communes", "enroll", "enrollment claims", "org-keys at the commune",
                                    "receipt at the commune"])
def test_office_and_commune_readers_answer_every_hostile_file_with_a_typed_error(world, tmp_path, reader):
    valid, read = office_readers(world, tmp_path)[reader]

    @SETTINGS
    @given(any_hostile(valid) if valid.startswith(b"{") else hostile_bytes(valid))
    def check(data):
        answer(read, data)

    check()


def test_a_huge_file_is_refused_by_its_size_without_being_read(world, tmp_path):
    huge = tmp_path / "huge.bin"
    with open(huge, "wb") as stream:  # 3 GB, sparse: reading it whole would exhaust the memory of an old PC
        stream.truncate(3 * 1024**3)
    for call in (world.office.import_communes, world.office.enrollment_claims,
                 lambda p: world.office.enroll(p, "AAAA"), world.exchange.import_office_keys,
                 lambda p: world.exchange.import_receipt(p, "lan")):
        error = answer(lambda _, c=call: c(huge), b"")
        assert isinstance(error, CdsError)
        assert error.code in ("office.communes_too_large", "bundle.enrollment_invalid", "bundle.org_keys_invalid",
                              "bundle.receipt_invalid", "keys.fingerprint_mismatch")


@pytest.mark.parametrize("content", [
    b"code,name\n24751,X\n",  # a column missing
    b"code,code,name,province\n24751,24751,X,68\n",  # a column twice
    b"code,name,province\n24751,\"Xa, Nhan Co\",68,extra\n",  # a cell too many
    b"code,name,province\n24751,X,68\n24751,Y,68\n",  # a code twice
    b"code,name,province\n24751,\"unclosed,68\n",  # a quote never closed
    b"code,name,province\n24751," + b"x" * 200_000 + b",68\n",  # a field beyond csv's limit
    b"code,name,province\n24751,X\x1b[31m,68\n",  # a control character in a name
    b"code,name,province\n24751," + "ế".encode() * 201 + b",68\n",  # a name too long for the org-keys file
    "code,name,province\n24751,Xã Nhân Cơ,68\n".encode("utf-16"),
    "code,name,province\n24751,Xã Tân,68\n".encode("latin-1"),  # a Windows code page
])
def test_commune_list_refusals_are_specific(world, tmp_path, content):
    path = tmp_path / "communes.csv"
    path.write_bytes(content)
    before = [(c.code, c.name) for c in world.office.communes()]
    error = answer(world.office.import_communes, path)
    assert isinstance(error, CdsError) and error.code.startswith("office.communes_"), error
    assert [(c.code, c.name) for c in world.office.communes()] == before


def test_a_commune_list_in_nfd_is_stored_in_nfc(world, tmp_path):
    path = tmp_path / "communes.csv"
    path.write_bytes(unicodedata.normalize("NFD", "Mã số,Tên,Mã tỉnh\n24753,Xã Đắk Wil,68\n").encode())
    assert world.office.import_communes(path) == 1
    assert {c.code: c.name for c in world.office.communes()}["24753"] == "Xã Đắk Wil"
    world.office.export_keys(tmp_path / "org-keys.json", PASS_OFFICE)  # the name fits the signed key list

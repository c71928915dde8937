"""Canonical JSON, strict parsing, the signed envelope's domain separation, and entry-name rules."""

from __future__ import annotations

import datetime as dt

import pytest
from bundle_helpers import OFFICE_ROOT, SERIES, refusal

from cds_desktop.core.bundle import Code, ReceiptDecision, make_receipt
from cds_desktop.core.bundle.canonical import JsonSyntaxError, encode, loads_strict, parse_model
from cds_desktop.core.bundle.fields import Series
from cds_desktop.core.bundle.format import HEADER_CODES
from cds_desktop.core.bundle.keyfiles import OrgKeysBody
from cds_desktop.core.bundle.names import check_entry_name, check_entry_names
from cds_desktop.core.bundle.receipts import RECEIPT_CODES, ReceiptBody
from cds_desktop.core.bundle.signed import open_envelope


def test_canonical_encoding_sorts_members_and_keeps_unicode() -> None:
    assert encode({"b": 1, "a": ["xã", None, True]}) == '{"a":["xã",null,true],"b":1}'.encode()


def test_canonical_encoding_escapes_only_what_it_must() -> None:
    assert encode('"\\\n\x01\x7f/') == b'"\\"\\\\\\n\\u0001\x7f/"'


@pytest.mark.parametrize(
    "data",
    [b"1.5", b"1e3", b"NaN", b"9007199254740992", b'{"a":1,"a":1}', b"\xff", b"[1,"],
)
def test_strict_parsing_refuses(data: bytes) -> None:
    with pytest.raises(JsonSyntaxError):
        loads_strict(data)


def test_records_may_hold_floats() -> None:
    assert loads_strict(b'{"ratio":80.5}', allow_floats=True) == {"ratio": 80.5}


SERIES_JSON = b'{"commune":"24751","period":"2023Q1","plan":"dak-rlap-2023"}'


def test_canonical_document_parses() -> None:
    assert parse_model(SERIES_JSON, Series, HEADER_CODES) == SERIES


@pytest.mark.parametrize(
    "variant",
    [
        b'{"commune":"24751", "period":"2023Q1","plan":"dak-rlap-2023"}',
        b'{"period":"2023Q1","commune":"24751","plan":"dak-rlap-2023"}',
        b'{"commune":"2475\\u0031","period":"2023Q1","plan":"dak-rlap-2023"}',
        SERIES_JSON + b"\n",
    ],
)
def test_equivalent_but_not_canonical_documents_are_refused(variant: bytes) -> None:
    assert refusal(parse_model, variant, Series, HEADER_CODES).code == Code.HEADER_NOT_CANONICAL


def test_lone_surrogate_is_not_json() -> None:
    assert refusal(parse_model, b'{"commune":"\\ud800"}', Series, HEADER_CODES).code == Code.HEADER_NOT_JSON


def test_types_are_not_coerced() -> None:
    assert (
        refusal(parse_model, b'{"commune":24751,"period":"2023Q1","plan":"dak-rlap-2023"}', Series, HEADER_CODES).code
        == Code.HEADER_INVALID
    )


def test_a_signature_is_bound_to_its_document_type() -> None:
    data = make_receipt(
        OFFICE_ROOT,
        office="66",
        series=SERIES,
        revision=1,
        bundle_id="00" * 16,
        manifest_sha256="00" * 32,
        decision=ReceiptDecision.ACCEPTED,
        issued_at=dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc),
    )
    envelope = open_envelope(data, RECEIPT_CODES)

    assert envelope.is_signed_by(OFFICE_ROOT.public, ReceiptBody)
    assert not envelope.is_signed_by(OFFICE_ROOT.public, OrgKeysBody)


@pytest.mark.parametrize(
    "name",
    ["records/indicators.json", "evidence/Biên bản họp.pdf", "evidence/COM10.txt", "evidence/console.log", "a" * 120],
)
def test_safe_entry_names(name: str) -> None:
    check_entry_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "/abs",
        "a//b",
        "a/",
        "./a",
        "a/../b",
        "..",
        "C:/x",
        "a\\b",
        "a\x00b",
        "a\nb",
        "nul",
        "NUL.txt",
        "lpt¹.doc",
        "com9",
        "a.",
        "a ",
        " a",
        "a?",
        'a"b',
        "a" * 121,
        "/".join("a" * 9),
        "é" * 128,
    ],
)
def test_unsafe_entry_names(name: str) -> None:
    assert refusal(check_entry_name, name).code == Code.ENTRY_NAME_UNSAFE


@pytest.mark.parametrize(
    ("names", "clash"),
    [(["a.pdf", "A.PDF"], "A.PDF"), (["x", "x/y"], "x/y"), (["x/y", "X"], "X"), (["ß", "SS"], "SS")],
)
def test_clashing_entry_names(names: list[str], clash: str) -> None:
    error = refusal(check_entry_names, names)

    assert error.code == Code.ENTRY_NAME_DUPLICATE
    assert error.params["name"] == clash

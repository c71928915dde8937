"""Refusals of malformed documents are worded for people: the field in plain words, the reason in the message's
language, never a parser's text (pydantic's English, its web addresses, ``json``'s "Expecting value")."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel

from cds_desktop.core.bundle import format as bundle_format
from cds_desktop.core.bundle import keyfiles, manifest, private_keys, receipts, signed
from cds_desktop.core.bundle.canonical import DocumentCodes, encode, parse_model
from cds_desktop.core.bundle.errors import Code, DocumentError
from cds_desktop.core.bundle.wording import FIELD_PREFIX, ITEM_PREFIX, field_words
from cds_desktop.core.i18n import catalog
from cds_desktop.core.services import report_record

DOCUMENTS = [bundle_format.HeaderCore, manifest.Manifest, keyfiles.OrgKeysBody, keyfiles.EnrollmentBody,
             receipts.ReceiptBody, signed._Envelope, private_keys._KeyFile, report_record.ReportRecord]
PARSER_TEXT = ("pydantic", "http", "Input should", "Value error", "Expecting", "String should", "validation error",
               "Extra inputs", "Field required")


def fields_of(model: type[BaseModel], parent: str = "") -> typing.Iterator[tuple[str, str, bool]]:
    """(parent, field name, is a list of models) for every field of ``model`` and of the models inside it."""
    for name, field in model.model_fields.items():
        inner = [t for arg in typing.get_args(field.annotation) or [field.annotation]
                 for t in (typing.get_args(arg) or [arg])]
        models = [t for t in inner if isinstance(t, type) and issubclass(t, BaseModel)]
        is_list = typing.get_origin(field.annotation) in (list, tuple) or any(
            typing.get_origin(a) in (list, tuple) for a in typing.get_args(field.annotation))
        yield parent, name, bool(models) and is_list
        for nested in models:
            yield from fields_of(nested, name)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.__name__)
def test_every_field_of_every_document_has_words_in_both_languages(document):
    words = catalog()
    for parent, name, is_list in fields_of(document):
        assert f"{FIELD_PREFIX}{parent}.{name}" in words or f"{FIELD_PREFIX}{name}" in words, (parent, name)
        if is_list:
            assert f"{ITEM_PREFIX}{name}" in words, name


def test_field_paths_read_as_plain_words():
    assert field_words("indicators.3.numerator", "vi") == "chỉ tiêu thứ 4, tử số"
    assert field_words("indicators.3.numerator", "en") == "indicator 4, numerator"
    assert field_words("unit.name", "vi") == "đơn vị báo cáo, tên đơn vị"
    assert field_words("evidence.0.name", "en") == "evidence file 1, file name"
    assert field_words("mystery.2", "en") == "“mystery” #3"  # never a KeyError for a path without words


HEADER = bundle_format.HEADER_CODES


@pytest.mark.parametrize(("data", "code", "words"), [
    (b'{"a":1,"a":2}', Code.HEADER_DUPLICATE_KEY, ("trường \"a\" xuất hiện hai lần", 'member "a" appears twice')),
    (b"{", Code.HEADER_NOT_JSON, ("sai cú pháp JSON ở dòng 1, cột 2", "JSON syntax error at line 1, column 2")),
    (b'{"n":1.5}', Code.HEADER_NOT_JSON, ("chỉ được dùng số nguyên", "only whole numbers are allowed")),
    (b'{"n":' + b"9" * 5000 + b"}", Code.HEADER_NOT_JSON, ("vượt quá ±9.007.199.254.740.991", "beyond ±9,007,199")),
    (b"\xff", Code.HEADER_NOT_JSON, ("không phải văn bản UTF-8", "not UTF-8 text")),
    (b"[" * 5000 + b"]" * 5000, Code.HEADER_NOT_JSON, ("lồng nhau quá nhiều tầng", "nested too deeply")),
    (b'{"bundle_id":1}', Code.HEADER_INVALID, ("mã gói: phải là một chuỗi văn bản", "bundle id: must be text")),
    (encode({"bundle_id": "ab" * 16, "zz": 1}), Code.HEADER_UNKNOWN_FIELD, ('có trường lạ "zz"',
                                                                            'has an unknown field "zz"')),
])
def test_document_refusals_name_the_reason_in_each_language(data, code, words):
    with pytest.raises(DocumentError) as caught:
        parse_model(data, bundle_format.HeaderCore, HEADER)
    error = caught.value
    assert error.code == code
    for language, expected in zip(("vi", "en"), words):
        text = error.message(language)
        assert expected in text, text
        assert not any(fragment in text for fragment in PARSER_TEXT), text
        assert "{" not in text


def test_a_single_code_document_still_says_what_is_wrong():
    codes = DocumentCodes.single(Code.RECEIPT_INVALID)
    with pytest.raises(DocumentError) as caught:
        parse_model(encode({"body": {}, "signatures": []}), signed._Envelope, codes)
    assert caught.value.message("vi").endswith("chữ ký: không được để trống.")
    assert caught.value.message("en").endswith("signatures: must not be empty.")

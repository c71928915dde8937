"""Message catalogs: complete in both languages, consistent placeholders, no repeated ids."""

import string

import pytest
from cds_desktop.core.i18n import catalog, translate
from cds_desktop.core.yaml_strict import YamlRefused, load_strict


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# Messages whose languages word dates and periods differently on purpose (the caller passes both forms).
DIFFERENT_FORMS = {"report.date_line", "report.period.quarter"}


def test_every_message_has_the_same_placeholders_in_both_languages():
    mismatched = {key for key, entry in catalog().items()
                  if _placeholders(entry["vi"]) != _placeholders(entry["en"])}
    assert mismatched == DIFFERENT_FORMS


def test_vietnamese_is_the_default_and_english_is_complete():
    assert translate("state.approved") == "Đã phê duyệt"
    assert translate("state.approved", "en") == "Approved"
    assert all(entry["vi"].strip() and entry["en"].strip() for entry in catalog().values())


def test_a_repeated_message_id_in_one_file_is_refused():
    with pytest.raises(YamlRefused) as refused:
        load_strict("a:\n  vi: x\n  en: y\na:\n  vi: z\n  en: w\n")
    assert (refused.value.reason, refused.value.line, refused.value.params) == ("duplicate_key", 4, {"key": "a"})

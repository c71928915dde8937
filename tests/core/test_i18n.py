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


def test_english_nouns_after_a_number_agree_with_it():
    assert translate("ui.plan_editor.cannot_save", "en", count=1) == (
        "The draft cannot be saved yet: 1 problem to fix (listed above).")
    assert translate("ui.plan_editor.cannot_save", "en", count=3) == (
        "The draft cannot be saved yet: 3 problems to fix (listed above).")
    assert translate("ui.report.page_count", "en", count="1") == "1 page"  # a number given as text too
    assert translate("ui.report.page_count", "vi", count=3) == "3 trang"
    assert translate("ui.report.page_count", "en") == "{count} pages"  # a missing number: the placeholder stays
    lazy = {key for key, entry in catalog().items() if "(s)" in entry["en"] or "(es)" in entry["en"]}
    assert lazy == set(), "say it with {n:plural one|many}"
    plural_specs = {spec for entry in catalog().values() for language in ("vi", "en")
                    for _, _, spec, _ in string.Formatter().parse(entry[language]) if spec}
    assert all(spec.startswith("plural ") and spec.count("|") == 1 for spec in plural_specs), plural_specs


def test_a_repeated_message_id_in_one_file_is_refused():
    with pytest.raises(YamlRefused) as refused:
        load_strict("a:\n  vi: x\n  en: y\na:\n  vi: z\n  en: w\n")
    assert (refused.value.reason, refused.value.line, refused.value.params) == ("duplicate_key", 4, {"key": "a"})

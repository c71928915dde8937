"""``cds-desktop``'s command line (``app_arguments.parse_args``): options, ``--demo [commune|office]``, files to
open, and the help and errors in Vietnamese (the default) or English."""

from __future__ import annotations

import pytest

from cds_desktop.app_arguments import Arguments, parse_args
from cds_desktop.core.i18n import translate


@pytest.mark.parametrize("argv, expected", [
    ([], Arguments(None, None, None)),
    (["--data-dir", "/du lieu/xa"], Arguments("/du lieu/xa", None, None)),
    (["--data-dir=D:\\CDS", "--lang", "en"], Arguments("D:\\CDS", "en", None)),
    (["--demo", "--lang=vi"], Arguments(None, "vi", "commune")),
    (["--demo", "commune"], Arguments(None, None, "commune")),
    (["--demo", "office", "--lang", "en"], Arguments(None, "en", "office")),
    (["--lang", "en", "--demo=office"], Arguments(None, "en", "office")),
    (["--data", "x"], Arguments("x", None, None)),  # an unambiguous abbreviation, as argparse allows
])
def test_the_options_are_read(argv, expected):
    assert parse_args(argv) == expected


def test_files_to_open_are_kept_in_order(tmp_path):
    bundle, receipt = tmp_path / "24751_dak-rlap-2023_2023Q3_r1.cdsb", tmp_path / "bien nhan.json"
    bundle.write_bytes(b"x")
    receipt.write_bytes(b"{}")
    assert parse_args([str(bundle), "--lang", "en", str(receipt)]) == Arguments(None, "en", None,
                                                                                  (str(bundle), str(receipt)))
    assert parse_args(["--demo", "office", str(tmp_path)]).files == (str(tmp_path),)  # a folder of bundles


@pytest.mark.parametrize("argv, problem", [
    (["--lang=en", "--lang", "fr"], "--lang must be one of vi, en, not fr"),
    (["--lang", "en", "--colour"], "option --colour not recognized"),
    (["--lang", "en", "--data-dir"], "option --data-dir requires argument"),
    (["--demo=district", "--lang", "en"], "--demo must be one of commune, office, not district"),
    (["missing.cdsb", "--lang=en"], "no such file or folder: missing.cdsb"),
])
def test_a_wrong_command_line_shows_the_usage_and_exits_with_2(argv, problem, capsys):
    with pytest.raises(SystemExit) as stopped:
        parse_args(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: cds-desktop") and err.rstrip().endswith(f"error: {problem}")


@pytest.mark.parametrize("argv, problem", [
    (["--colour"], "không có tùy chọn --colour"),
    (["--data-dir"], "tùy chọn --data-dir cần một giá trị"),
    (["--lang", "fr"], "--lang phải là một trong vi, en, không phải fr"),
    (["--demo=huyen"], "--demo phải là một trong commune, office, không phải huyen"),
])
def test_without_lang_the_errors_are_in_vietnamese(argv, problem, capsys):
    with pytest.raises(SystemExit) as stopped:
        parse_args(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("cách dùng: cds-desktop") and err.rstrip().endswith(f"lỗi: {problem}")


@pytest.mark.parametrize("language, words", [("vi", ("THƯ_MỤC", "cơ quan tiếp nhận", "hiện hướng dẫn")),
                                             ("en", ("FOLDER", "receiving office", "show this help"))])
def test_help_shows_the_usage_in_the_language_asked_and_exits(language, words, capsys):
    with pytest.raises(SystemExit) as stopped:
        parse_args(["--help", "--lang", language])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "--data-dir" in out and "--lang {vi,en}" in out and "--demo [commune|office]" in out
    assert all(word in out for word in words)
    assert out.strip() == translate("app.args.usage", language, choices="{vi,en}", kinds="commune|office")

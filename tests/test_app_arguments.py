"""``cds-desktop``'s command line (``app.parse_args``)."""

from __future__ import annotations

import pytest

from cds_desktop.app import Arguments, parse_args


@pytest.mark.parametrize("argv, expected", [
    ([], Arguments(None, None, False)),
    (["--data-dir", "/du lieu/xa"], Arguments("/du lieu/xa", None, False)),
    (["--data-dir=D:\\CDS", "--lang", "en"], Arguments("D:\\CDS", "en", False)),
    (["--demo", "--lang=vi"], Arguments(None, "vi", True)),
    (["--data", "x"], Arguments("x", None, False)),  # an unambiguous abbreviation, as argparse allows
])
def test_the_options_are_read(argv, expected):
    assert parse_args(argv) == expected


@pytest.mark.parametrize("argv, problem", [
    (["--lang", "fr"], "--lang must be one of vi, en, not 'fr'"),
    (["--colour"], "option --colour not recognized"),
    (["--data-dir"], "option --data-dir requires argument"),
    (["folder"], "unexpected argument 'folder'"),
])
def test_a_wrong_command_line_shows_the_usage_and_exits_with_2(argv, problem, capsys):
    with pytest.raises(SystemExit) as stopped:
        parse_args(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: cds-desktop") and err.rstrip().endswith(f"error: {problem}")


def test_help_shows_the_usage_and_exits(capsys):
    with pytest.raises(SystemExit) as stopped:
        parse_args(["--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "--data-dir FOLDER" in out and "--lang {vi,en}" in out and "--demo" in out

"""``cds … --help`` for every command and sub-command, in both languages, and argparse's own words in Vietnamese.

The commands are found by walking the real parser (``build_parser``), so a command added later is covered too.
"""

from __future__ import annotations

import argparse
import re

import pytest

from cds_desktop.cli import main
from cds_desktop.cli.context import build_parser


def _command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for action in parser._actions:  # argparse keeps its sub-parsers here; there is no public accessor
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths += _command_paths(sub, prefix + (name,))
    return paths


COMMANDS = _command_paths(build_parser("vi"))


def test_the_walk_finds_the_nested_commands():
    assert ("task", "set") in COMMANDS and ("entry", "set") in COMMANDS and ("office", "report") in COMMANDS
    assert len(COMMANDS) > 40


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda path: " ".join(path) or "cds")
def test_help_of_every_command_shows_and_exits_0(command, language, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--lang", language, *command, "--help"])
    out, err = capsys.readouterr()
    assert exited.value.code == 0, err
    assert "Traceback" not in out + err and out.startswith(("usage:", "cách dùng:"))


ARGPARSE_ENGLISH = ("invalid choice", "choose from", "the following arguments are required", "expected one argument",
                    "expected at", "unrecognized arguments", "not allowed with argument", "is required",
                    "ignored explicit argument", "ambiguous option", "could match", "usage:", "argument ",
                    "show this help", "positional arguments", "options:", "invalid ")

USAGE_ERRORS = {
    "no command": [],
    "unknown command": ["bogus"],
    "unknown sub-command": ["plans", "lists"],
    "missing options": ["init", "commune"],
    "missing positionals": ["entry", "set", "mini-plan"],
    "option without its value": ["--data-dir"],
    "extra argument": ["plans", "list", "extra"],
    "value not among the choices": ["task", "set", "p", "2023Q1", "T1", "--status", "nope"],
    "one of two options required": ["office", "receipt", "24751", "p", "2023Q1", "--out", "r.json"],
    "two exclusive options": ["office", "receipt", "24751", "p", "2023Q1", "--out", "r.json", "--accept",
                              "--return", "sai"],
    "value given to a flag": ["plans", "list", "--json=yes"],
    "ambiguous abbreviation": ["init", "commune", "--office", "x"],
}


@pytest.mark.parametrize("argv", USAGE_ERRORS.values(), ids=USAGE_ERRORS.keys())
def test_a_vietnamese_usage_error_has_no_english_from_argparse(argv, capsys, tmp_path):
    code = main(["--data-dir", str(tmp_path), *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.startswith("Lỗi cú pháp lệnh: ")
    assert not [phrase for phrase in ARGPARSE_ENGLISH if phrase in err], err
    assert not POSITIONAL_ENGLISH.search(_without_syntax(err)), err  # arguments are named in Vietnamese too
    assert not list(tmp_path.iterdir())  # a usage error touches nothing


# the Python names of cds's positional arguments and sub-command levels, as argparse would show them
POSITIONAL_ENGLISH = re.compile(r"\b(?:plan|period|indicator|item|task|file|files|folder|commune|destination|key_id|"
                                r"name|rev_a|rev_b|command|\w+_command|init_kind)\b")


def _without_syntax(text: str) -> str:
    """``text`` without what is typed as is: options (``--commune``) and quoted choices (``'task'``)."""
    return re.sub(r"'[^']*'|--[\w-]+", "", text)


def test_a_missing_positional_is_named_in_vietnamese_and_in_english_as_before(capsys, tmp_path):
    assert main(["--data-dir", str(tmp_path), "entry", "set", "mini-plan"]) == 2
    assert "thiếu tham số bắt buộc: KỲ, CHỈ_TIÊU." in capsys.readouterr().err
    assert main(["--lang", "en", "--data-dir", str(tmp_path), "entry", "set", "mini-plan"]) == 2
    assert "the following arguments are required: period, indicator" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path), "keys", "bogus"]) == 2
    assert "tham số LỆNH: lựa chọn không hợp lệ: 'bogus'" in capsys.readouterr().err


def test_vietnamese_usage_lines_name_the_positionals_in_vietnamese(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    usage = capsys.readouterr().out.split("\n\n")[0]
    assert usage.startswith("cách dùng: cds report") and "KẾ_HOẠCH KỲ" in usage
    assert not POSITIONAL_ENGLISH.search(_without_syntax(usage.replace("cds report", ""))), usage


def test_the_same_usage_error_in_english_keeps_argparse_words(capsys, tmp_path):
    assert main(["--lang", "en", "--data-dir", str(tmp_path), "task", "set", "p", "q", "T1", "--status", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Command syntax error: ") and "invalid choice: 'nope'" in err


@pytest.mark.parametrize("command", [("entry", "set"), ("task", "set"), ()], ids=["entry set", "task set", "cds"])
def test_vietnamese_help_has_no_english_from_argparse(command, capsys):
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert out.startswith("cách dùng: ") and "hiện hướng dẫn này rồi thoát" in out
    assert not [phrase for phrase in ("usage:", "show this help", "positional arguments", "options:") if phrase in out]


def test_argparse_translations_keep_the_directives_argparse_fills_in():
    import re

    from cds_desktop.core.i18n import catalog

    directives = re.compile(r"%(?:\(\w+\))?[rsd]")
    entries = {key: entry for key, entry in catalog().items() if key.startswith("cli.argparse.")}
    assert len(entries) > 15
    differing = {key for key, entry in entries.items()
                 if sorted(directives.findall(entry["vi"])) != sorted(directives.findall(entry["en"]))}
    assert differing == {"cli.argparse.invalid_value"}  # the type's (Python) name is left out on purpose

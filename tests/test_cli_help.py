"""``cds … --help`` for every command and sub-command, in both languages, and argparse's own words in Vietnamese.

The commands are found by walking the real parser (``build_parser``), so a command added later is covered too.
"""

from __future__ import annotations

import argparse

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

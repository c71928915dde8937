"""Strict reading of the YAML data files the app reads (plans, message catalogs, the province list).

Every such file is hostile input, whether shipped or imported: ``read_data_file`` + ``load_strict`` either give
the data or raise ``YamlRefused``, whose ``reason`` names what is wrong (message ``data_file.problem.<reason>``)
and whose ``line`` says where when it is known. Callers turn it into their own typed error.

- ``too_large``: bigger than the caller's limit (checked before the file is read whole);
- ``encoding``: not UTF-8 (UTF-16 and UTF-32, with or without their byte-order mark, invalid bytes). A UTF-8
  byte-order mark at the very start is skipped: Windows editors write one and it changes nothing;
- ``syntax``: not YAML, or characters YAML forbids (control characters, NUL);
- ``alias``: an anchor reused with ``*name`` — never needed in these files and the way to a "billion laughs";
- ``too_deep``: nesting deeper than ``MAX_DEPTH``. Both are checked on the parser's event stream before any
  node is built (PyYAML's C composer recurses and overflows the C stack on ~100 000 levels);
- ``duplicate_key``: a mapping repeats a key, also when the two spellings differ only in Unicode form;
- ``bad_value``: a scalar that cannot be converted (an integer longer than Python's conversion limit, a date
  that does not exist).
Text is NFC-normalized as it is read (keys and values), so NFD Vietnamese means the same as NFC.
PyYAML's C parser is used when PyYAML was built with libyaml.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path
from typing import Any

import yaml

BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when PyYAML was built with libyaml
MAX_DEPTH = 64  # the built-in plans nest 8 levels deep
_UTF16_32_MARKS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_OPENING = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSING = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class YamlRefused(Exception):
    """A data file refused: ``reason`` (message ``data_file.problem.<reason>``), ``line`` (1-based) and params."""

    def __init__(self, reason: str, line: int | None = None, **params: Any) -> None:
        super().__init__(f"{reason} (line {line}): {params}")
        self.reason = reason
        self.line = line
        self.params = params

    @property
    def problem_id(self) -> str:
        return f"data_file.problem.{self.reason}"


def read_data_file(path: Path, max_bytes: int) -> str:
    """The text of ``path``: at most ``max_bytes`` of UTF-8. ``OSError`` when it cannot be opened, else
    ``YamlRefused`` (``too_large``, ``encoding``)."""
    with open(path, "rb") as file:
        data = file.read(max_bytes + 1)
    return decode_data(data, max_bytes)


def decode_data(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise YamlRefused("too_large", limit_kb=max_bytes // 1024)
    if data.startswith(_UTF16_32_MARKS) or (len(data) >= 2 and (data[0] == 0) != (data[1] == 0)):
        raise YamlRefused("encoding")  # UTF-16/32: every other byte of ASCII text is NUL
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlRefused("encoding", line=line) from None


class DuplicateKeyError(yaml.constructor.ConstructorError):
    def __init__(self, key: Any, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"duplicate key {key!r}", mark)
        self.key = key


class UniqueKeyLoader(BaseLoader):
    """A safe YAML loader that normalizes text to NFC and refuses duplicate keys (use it via ``load_strict``,
    which refuses aliases and deep nesting first)."""


def _construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)  # resolve "<<" merge keys like the stock loader
    mapping = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            seen = key in mapping
        except TypeError:  # a list or mapping as a key: YAML allows it, a data file never has one
            raise YamlRefused("bad_value", line=key_node.start_mark.line + 1, detail="key") from None
        if seen:
            raise DuplicateKeyError(key, key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _construct_text(loader: UniqueKeyLoader, node: yaml.ScalarNode) -> str:
    return unicodedata.normalize("NFC", loader.construct_scalar(node))


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
UniqueKeyLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)


def check_structure(text: str) -> None:
    """Refuse aliases and nesting deeper than ``MAX_DEPTH`` from the event stream (nothing is built)."""
    loader = BaseLoader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, _OPENING):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlRefused("too_deep", line=event.start_mark.line + 1, limit=MAX_DEPTH)
            elif isinstance(event, _CLOSING):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                raise YamlRefused("alias", line=event.start_mark.line + 1)
    finally:
        loader.dispose()


def load_strict(text: str) -> Any:
    """The data in ``text``; ``YamlRefused`` for anything listed in the module's docstring."""
    try:
        check_structure(text)
        return yaml.load(text, Loader=UniqueKeyLoader)
    except DuplicateKeyError as exc:
        raise YamlRefused("duplicate_key", line=exc.problem_mark.line + 1, key=str(exc.key)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlRefused("syntax", line=mark.line + 1 if mark else None,
                          detail=str(exc.problem or exc.context or "")) from None
    except yaml.YAMLError as exc:  # the reader's errors (control characters) carry a position, not a mark
        raise YamlRefused("syntax", detail=str(getattr(exc, "reason", "") or exc).splitlines()[0]) from None
    except (ValueError, OverflowError) as exc:  # int() past the digit limit, a date that does not exist
        raise YamlRefused("bad_value", detail=str(exc).splitlines()[0][:120]) from None


def os_problem_id(exc: OSError) -> str:
    """The message id saying why a file could not be opened (the operating system's own words are English)."""
    if isinstance(exc, FileNotFoundError):
        return "data_file.problem.missing"
    if isinstance(exc, PermissionError):
        return "data_file.problem.no_permission"
    if isinstance(exc, IsADirectoryError):
        return "data_file.problem.is_folder"
    return "data_file.problem.cannot_read"

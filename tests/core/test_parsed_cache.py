"""``parsed_cache.parsed_once``: parsed data files kept between starts, re-parsed whenever a source changes,
and never an error of its own (a damaged cache or a cache folder that cannot be written)."""

from __future__ import annotations

import json
import os

import pytest

from cds_desktop.core.i18n import catalog, parse_catalogs
from cds_desktop.core.parsed_cache import cache_file, parsed_once
from cds_desktop.core.paths import CACHE_DIR_ENV
from cds_desktop.core.resources import translations_dir


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "sources" / "words.txt"
    path.parent.mkdir()
    path.write_text("một hai", encoding="utf-8")
    return path


def counting_parser(path):
    calls = []

    def parse():
        calls.append(1)
        return {"words": path.read_text(encoding="utf-8").split()}

    return parse, calls


def test_an_unchanged_source_is_parsed_once(cache, source):
    parse, calls = counting_parser(source)
    first = parsed_once("words", source.parent, [source], parse)
    second = parsed_once("words", source.parent, [source], parse)
    assert first == second == {"words": ["một", "hai"]}
    assert len(calls) == 1
    assert cache_file("words", source.parent).is_file()


def test_a_changed_source_is_parsed_again(cache, source):
    parse, calls = counting_parser(source)
    parsed_once("words", source.parent, [source], parse)
    source.write_text("một hai ba", encoding="utf-8")
    assert parsed_once("words", source.parent, [source], parse) == {"words": ["một", "hai", "ba"]}
    status = source.stat()  # the same size, only the time differs: parsed again too
    source.write_text("một hai ca", encoding="utf-8")
    assert source.stat().st_size == status.st_size
    os.utime(source, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000))
    assert parsed_once("words", source.parent, [source], parse) == {"words": ["một", "hai", "ca"]}
    assert len(calls) == 3


@pytest.mark.parametrize("damage", ["{not json", "[1, 2]", '{"stamp": 1}', ""])
def test_a_damaged_cache_is_rebuilt(cache, source, damage):
    parse, calls = counting_parser(source)
    parsed_once("words", source.parent, [source], parse)
    cache_file("words", source.parent).write_text(damage, encoding="utf-8")
    assert parsed_once("words", source.parent, [source], parse) == {"words": ["một", "hai"]}
    assert json.loads(cache_file("words", source.parent).read_text(encoding="utf-8"))["value"] == {"words": ["một", "hai"]}
    assert len(calls) == 2


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch, source):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocked))
    parse, calls = counting_parser(source)
    assert parsed_once("words", source.parent, [source], parse) == {"words": ["một", "hai"]}
    assert parsed_once("words", source.parent, [source], parse) == {"words": ["một", "hai"]}
    assert len(calls) == 2


def test_two_source_folders_keep_separate_caches(cache, tmp_path, source):
    other = tmp_path / "other" / "words.txt"
    other.parent.mkdir()
    other.write_text("khác", encoding="utf-8")
    assert cache_file("words", source.parent) != cache_file("words", other.parent)
    assert parsed_once("words", source.parent, [source], counting_parser(source)[0]) == {"words": ["một", "hai"]}
    assert parsed_once("words", other.parent, [other], counting_parser(other)[0]) == {"words": ["khác"]}


def test_the_cached_message_catalog_is_the_parsed_one():
    folder = translations_dir() / "messages"
    assert catalog() == parse_catalogs(sorted(folder.glob("*.yaml")))["messages"]

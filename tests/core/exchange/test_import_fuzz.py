"""Mutation fuzz of the office's import: real bundles, mutated at every level, must never be misread.

The base is what the real commune services export — the record built by ``CommuneExchange.build_record`` with two
evidence files, signed with the commune's real, enrolled key by the real writer. Mutants:

- bytes of the bundle file: bits flipped, bytes cut, inserted, repeated, appended (no signature survives);
- the record JSON, re-signed with the commune's key so the signature is valid: wrong types, huge, negative and
  float numbers, unknown and missing members, duplicate items, wrong codes, non-canonical quantities, evidence
  missing, swapped, renamed or unreferenced, extra or renamed records, unknown record and schema versions;
- NFD text (the one mutation that keeps the meaning): accepted, and stored exactly as the original.

Every spec-breaking mutant is in sequence (next revision, chained), so it reaches the record checks. Asserted:
none is accepted; each refusal is a ``CdsError`` with a code of ``Code`` (never ``bundle.import_failed``, the bug
path) and a finished message; the office database (a content hash of every table) and quarantine are unchanged.

``CDS_FUZZ_MUTANTS`` sets how many mutants of each kind (default 1200: 2,400 in all, 25–55 s on a 2-core machine);
``CDS_FUZZ_SEED`` replays a run, e.g. ``CDS_FUZZ_MUTANTS=20000 CDS_FUZZ_SEED=7 uv run pytest
tests/core/exchange/test_import_fuzz.py``.
"""

from __future__ import annotations

import copy
import hashlib
import os
import random
import unicodedata
from pathlib import Path
from typing import Any, Callable

import pytest

from cds_desktop.core.bundle.errors import Code
from cds_desktop.core.errors import CdsError
from cds_desktop.core.services.report_record import RECORD_NAME

from .conftest import PASS_OFFICE
from .forging import attachment_for, build_world, office_digest, unfilled

MUTANTS = int(os.environ.get("CDS_FUZZ_MUTANTS", "1200"))
SEED = int(os.environ.get("CDS_FUZZ_SEED", "20250516"))
BATCH = 1200  # one import per batch: the office key (scrypt, ~0.7 s) is opened once per batch
CODES = {code.value for code in Code} - {Code.IMPORT_FAILED.value}
HUMAN_TEXT = {"name", "value", "note", "data_source", "result", "difficulties", "proposals", "actor", "old", "new",
              "submitted_by", "approved_by"}
OBJECT_SPOILERS = [1.5, True, -1, 2**60, 10**400, "x", [1], None]
LIST_SPOILERS = [1.5, False, -1, "x", {"a": 1}, [1], ["x"], [None], None]
LEAF_SPOILERS = [1.5, -0.0, True, False, -1, 2**53, 2**60, -(2**63), 10**400, {}, {"a": 1}, [], ["1"]]
BAD_QUANTITIES = ["1e400", "1E2", "01", "1.50", "+1", "1,5", " 1", "1 ", "NaN", "Infinity", "-0", "1.", ".5",
                  "1234567890123456", "0.0000001", "٣", "1_000", "0x10", "1/2", "", "--1"]
BAD_CODES = ["9z", "1d", "T2", "T3", "III", "", "x" * 40, "1a ", "1A", "t1"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = build_world(tmp_path_factory.mktemp("fuzz"))
    yield world
    world.close()


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += paths(child, (*prefix, index))
    return found


def get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


def put(node: Any, path: tuple, value: Any) -> None:
    get(node, path[:-1])[path[-1]] = value


class Mutator:
    """Spec-breaking changes of a record and its bundle (each returns the ``sign`` arguments it needs)."""

    def __init__(self, rng: random.Random, record: dict, attachments: list, spare: Path) -> None:
        self.rng, self.record, self.attachments, self.spare = rng, record, attachments, spare
        self.plan_codes = {"indicators": "1a", "tasks": "T1"}

    def any(self) -> tuple[str, dict, dict]:
        name, operation = self.rng.choice(self.operations())
        record = copy.deepcopy(self.record)
        return name, record, operation(record) or {}

    def operations(self) -> list[tuple[str, Callable[[dict], dict | None]]]:
        return [(name.removeprefix("op_"), getattr(self, name)) for name in dir(self) if name.startswith("op_")]

    def _pick(self, record: dict, kind: type) -> tuple:
        return self.rng.choice([p for p in paths(record) if isinstance(get(record, p), kind)])

    def op_wrong_type(self, record: dict) -> None:
        path = self.rng.choice([p for p in paths(record) if p])
        value = get(record, path)
        if isinstance(value, dict):
            spoiler = self.rng.choice(OBJECT_SPOILERS)
        elif isinstance(value, list):
            spoiler = self.rng.choice(LIST_SPOILERS)
        elif isinstance(value, str):
            spoiler = self.rng.choice(LEAF_SPOILERS + [len(value), int.from_bytes(value.encode()[:6] or b"\0", "big")])
        elif value is None:
            spoiler = self.rng.choice(LEAF_SPOILERS)
        else:  # an integer: a string of it, a float of it, a bool, out of range
            spoiler = self.rng.choice([str(value), float(value), value + 0.5, True, -1, 2**60, 10**400, -(2**31)])
        put(record, path, spoiler)

    def op_unknown_member(self, record: dict) -> None:
        target = get(record, self._pick(record, dict))
        name = self.rng.choice([n for n in ("zz", "comment", "unit", "Code", "value ", "ghi_chú") if n not in target])
        target[name] = self.rng.choice([None, 1, "x", [], {}])

    def op_missing_member(self, record: dict) -> None:
        target = get(record, self._pick(record, dict))
        del target[self.rng.choice(list(target))]

    def op_duplicate_item(self, record: dict) -> None:
        section = self.rng.choice(["indicators", "tasks", "evidence"])
        item = copy.deepcopy(self.rng.choice(record[section]))
        if section != "evidence" and self.rng.random() < 0.5:  # same code, another value: which one counts?
            item.update({"note": "bản thứ hai"} if section == "indicators" else {"result": "bản thứ hai"})
        record[section].insert(self.rng.randrange(len(record[section]) + 1), item)

    def op_wrong_code(self, record: dict) -> None:
        section, field = self.rng.choice([("indicators", "code"), ("tasks", "code"), ("evidence", "item")])
        self.rng.choice(record[section])[field] = self.rng.choice(BAD_CODES)

    def op_bad_quantity(self, record: dict) -> None:
        numeric = [i for i in record["indicators"] if i["code"] != "2c"]
        entry = self.rng.choice(numeric)
        field = self.rng.choice(["numerator", "denominator"] if entry["numerator"] is not None else ["value"])
        entry[field] = self.rng.choice(BAD_QUANTITIES)

    def op_cross_check(self, record: dict) -> None:
        path, value = self.rng.choice([
            (("revision",), 1), (("revision",), 99), (("plan_version",), 2), (("period_id",), "2023Q2"),
            (("period_id",), "2031Q1"), (("plan_id",), "dak-rlap-2023"), (("unit", "commune_code"), "24752"),
            (("unit", "province_code"), "67"), (("record_version",), self.rng.choice([0, 2, "1", 1.0, True, None])),
        ])
        put(record, path, value)

    def op_evidence(self, record: dict) -> dict | None:
        evidence = record["evidence"]
        choice = self.rng.randrange(6)
        if choice == 0:  # an evidence item without its file
            return {"attachments": self.attachments[1:]}
        if choice == 1:  # a file no item names
            return {"attachments": [*self.attachments, attachment_for(self.spare)]}
        if choice == 2:  # the items' hashes swapped (the sizes then disagree)
            evidence[0]["sha256"], evidence[1]["sha256"] = evidence[1]["sha256"], evidence[0]["sha256"]
            return None
        if choice == 3:  # a file named after another file's content
            renamed = attachment_for(self.spare, self.attachments[0].name)
            return {"attachments": [renamed, *self.attachments[1:]]}
        if choice == 4:
            evidence[self.rng.randrange(2)]["size"] += self.rng.choice([-1, 1, 1000])
            return None
        evidence[self.rng.randrange(2)]["sha256"] = hashlib.sha256(self.rng.randbytes(8)).hexdigest()
        return None

    def op_records(self, record: dict) -> dict:
        return self.rng.choice([
            {"records": {RECORD_NAME: record, "extra.json": {"a": 1}}},
            {"records": {"report.v2.json": record}},
            {"records": {RECORD_NAME: record, "records/report.json": record}},
            {"records": {}},
        ])

    def op_schema_version(self, record: dict) -> dict:
        return {"schema_version": self.rng.choice([2, 3, 99, 2**31 - 1])}


def nfd_variant(rng: random.Random, record: dict) -> dict | None:
    """The record with one human-text field in NFD (same meaning), or None when the pick has nothing to change."""
    record = copy.deepcopy(record)
    candidates = [p for p in paths(record) if p and p[-1] in HUMAN_TEXT and isinstance(get(record, p), str)
                  and unicodedata.normalize("NFD", get(record, p)) != get(record, p)]
    path = rng.choice(candidates)
    put(record, path, unicodedata.normalize("NFD", get(record, path)))
    return record


def byte_mutant(rng: random.Random, data: bytes) -> bytes:
    size = len(data)
    at = rng.randrange(size)
    match rng.randrange(6):
        case 0:
            return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]
        case 1:
            return data[:at]
        case 2:
            return data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:]
        case 3:
            span = rng.randint(1, 4096)
            return data[:at] + data[at:at + span] + data[at:]
        case 4:
            return data + rng.randbytes(rng.randint(1, 32))
        case _:
            other = rng.randrange(size)
            span = rng.randint(1, 512)
            return data[:at] + data[other:other + span] + data[at + span:]


def assert_all_refused(office, folder: Path, expected: int) -> dict[str, str]:
    """Import every mutant in ``folder``; returns {file stem: refusal code}."""
    before = office_digest(office)
    outcomes = office.import_bundles([folder], PASS_OFFICE)
    assert len(outcomes) == expected
    accepted = [o.file.name for o in outcomes if o.status != "rejected"]
    assert accepted == [], f"mutants accepted: {accepted[:5]}"
    for outcome in outcomes:
        assert isinstance(outcome.error, CdsError)
        assert outcome.error.code in CODES, (outcome.file.name, outcome.error.code, outcome.error.params)
        for language in ("vi", "en"):
            assert unfilled(outcome.error, language) == set(), outcome.error.message(language)
    assert office_digest(office) == before
    assert not any(office.data_dir.quarantine.iterdir())
    return {o.file.stem: o.error.code for o in outcomes}


def test_import_mutation_fuzz(world, tmp_path):
    rng = random.Random(SEED)
    office, forge = world.office, world.forge
    base = forge.record
    spare = tmp_path / "spare.bin"
    spare.write_bytes(b"another file, not evidence of anything " * 7)
    assert {a.size for a in forge.attachments} == {len(Path(a.path).read_bytes()) for a in forge.attachments}

    # the original, then meaning-preserving NFD variants as a chain of revisions: accepted, stored identically
    first = forge.sign(tmp_path / "r1")
    (outcome,) = office.import_bundles([first.path], PASS_OFFICE)
    assert outcome.status == "accepted"
    original = office.submission("24751", forge.plan_id, forge.period_id)
    expected_values = office.submission_values(original.id)
    expected_evidence = [(e.item_code, e.name, e.sha256) for e in office.submission_evidence(original.id)]
    previous, revision = first.manifest_sha256, 1
    for _ in range(5):
        revision += 1
        variant = nfd_variant(rng, {**base, "revision": revision})
        written = forge.sign(tmp_path / f"nfd{revision}", record=variant, revision=revision, previous=previous)
        (outcome,) = office.import_bundles([written.path], PASS_OFFICE)
        assert outcome.status == "accepted", outcome.error
        stored = office.submission("24751", forge.plan_id, forge.period_id)
        assert office.submission_values(stored.id) == expected_values
        assert [(e.item_code, e.name, e.sha256) for e in office.submission_evidence(stored.id)] == expected_evidence
        previous = written.manifest_sha256
    revision += 1  # every mutant below is the next revision, chained: only the record checks can refuse it

    mutator = Mutator(rng, {**base, "revision": revision}, forge.attachments, spare)
    codes: dict[str, set[str]] = {}
    made = 0
    for batch in range(0, MUTANTS, BATCH):
        folder = tmp_path / f"records-{batch}"
        count = min(BATCH, MUTANTS - batch)
        for _ in range(count):
            name, record, arguments = mutator.any()
            written = forge.sign(folder / f"m{made:05d}", record=record, revision=revision, previous=previous,
                                 **arguments)
            final = folder / f"{made:05d}-{name}.cdsb"
            written.path.rename(final)
            written.path.parent.rmdir()
            made += 1
        for stem, code in assert_all_refused(office, folder, count).items():
            codes.setdefault(stem.split("-", 1)[1], set()).add(code)

    sample = forge.sign(tmp_path / "byte-base", revision=revision, previous=previous).path.read_bytes()
    for batch in range(0, MUTANTS, BATCH):
        folder = tmp_path / f"bytes-{batch}"
        folder.mkdir()
        count = min(BATCH, MUTANTS - batch)
        for index in range(count):
            mutant = byte_mutant(rng, sample)
            assert mutant != sample
            (folder / f"{batch + index:05d}.cdsb").write_bytes(mutant)
        codes.setdefault("bytes", set()).update(assert_all_refused(office, folder, count).values())

    assert set(codes) >= {op for op, _ in mutator.operations()} | {"bytes"}  # every kind of mutation was tried
    assert Code.RECORD_DUPLICATE_ITEM in codes["duplicate_item"]
    assert Code.RECORD_QUANTITY_INVALID in codes["bad_quantity"]
    assert codes["schema_version"] == {Code.SCHEMA_VERSION_UNKNOWN}

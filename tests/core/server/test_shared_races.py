"""Several staff PCs at once on one shared office (the session's PostgreSQL server), each a real ``cds`` process with
its own data folder naming the same database: importers racing on the same files, heads racing on one decision, an
importer killed mid-batch, the server restarted (or the connection cut) mid-import, an import chosen as the victim of
a deadlock. Every race ends as "done", "already done" or a refusal with a plain message — never a traceback, a
deadlock, a bundle stored twice, revisions out of order or a half-written submission. Rounds: ``CDS_CRASH_ROUNDS``;
replay: ``CDS_CRASH_SEED`` (``tests/support/processes.py``).

What a race may end as matches a SQLite office's: a revision met before the one it follows is refused as
``bundle.broken_chain`` (the next run stores it), a bundle another PC stored first is ``bundle.duplicate``.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from support.postgres_server import STAFF
from support.processes import CdsProcesses, Run, cds_processes, rounds, seeded_random  # noqa: F401
from support.shared_races import COMMUNES, P, Q1, REVISIONS, folder_of, half_written, make_shared_office, wait_all

TIMEOUT = 60.0  # far more than any of these batches takes: a process still running then is deadlocked
OUT_OF_ORDER = "bundle.broken_chain"  # a revision met before the one it follows was stored: the next run stores it


@pytest.fixture(scope="module")
def shared(postgres, tmp_path_factory):
    return make_shared_office(postgres, tmp_path_factory.mktemp("shared-office"))


def _import(processes: CdsProcesses, pc: Path, secret: Path, *paths: Path, start_at: float = 0.0):
    return processes.start("--data-dir", str(pc), "import", *map(str, paths), "--passphrase-file", str(secret),
                           "--json", start_at=start_at)


def _outcomes(run: Run) -> dict[str, tuple[str, str | None]]:
    """file → (kind, error code) of an import run that finished its batch."""
    assert not run.crashed and "Traceback" not in run.stderr, run
    assert run.code in (0, 1), run  # 1: some file refused (an out-of-order revision)
    return {Path(r["file"]): (r["kind"], (r["error"] or {}).get("code")) for r in json.loads(run.stdout)}


def test_importers_racing_on_overlapping_folders_store_each_bundle_once_in_order(shared, cds_processes, tmp_path):
    database, pcs = shared.fresh(tmp_path, 4)
    every = sorted(shared.bundles.values())
    half = COMMUNES[: len(COMMUNES) // 2]
    usb = [  # the same files met in different orders: all; all again; r2/r3 before anyone has r1; r3 alone first
        folder_of(every, tmp_path / "usb-1"),
        folder_of(every, tmp_path / "usb-2"),
        folder_of([f for (c, r), f in shared.bundles.items() if r > 1 or c in half], tmp_path / "usb-3"),
        folder_of([f for (c, r), f in shared.bundles.items() if r == 3 or c not in half], tmp_path / "usb-4"),
    ]
    started = time.monotonic()
    start_at = time.time() + 0.5
    runs = wait_all(cds_processes, [_import(cds_processes, pc, shared.secret, folder, start_at=start_at)
                                    for pc, folder in zip(pcs, usb)], TIMEOUT)
    raced = time.monotonic() - started
    context = "\n".join(map(str, runs))
    outcomes = [_outcomes(run) for run in runs]
    for folder, outcome in zip(usb, outcomes):
        assert sorted(outcome) == sorted(folder.iterdir()), context
        for name, (kind, code) in outcome.items():
            assert (kind, code) in {("new_report", None), ("new_revision", None), ("duplicate", "bundle.duplicate"),
                                    ("refused", OUT_OF_ORDER)}, f"{name}: {kind} {code}\n{context}"
    accepted = Counter(file.name for outcome in outcomes for file, (kind, _) in outcome.items()
                       if kind in ("new_report", "new_revision"))
    assert max(accepted.values()) == 1, context  # never stored twice
    assert half_written(shared, database) == [], context

    final = _outcomes(cds_processes.wait(_import(cds_processes, pcs[0], shared.secret, *usb)))  # the next run
    for file, (kind, code) in final.items():  # stores what was refused as out of order, finds the rest done
        assert kind in ("new_report", "new_revision", "duplicate"), f"{file}: {kind} {code}"
        if kind != "duplicate":
            accepted[file.name] += 1
    assert accepted == Counter({f.name: 1 for f in every}), context
    assert half_written(shared, database) == [], context
    assert shared.rows(database, "SELECT commune_code, revision FROM submission WHERE is_current ORDER BY 1") == [
        (commune, REVISIONS[-1]) for commune in COMMUNES]

    logged = Counter(outcome for (outcome,) in shared.rows(database, "SELECT outcome FROM import_attempt"))
    reported = Counter(kind for outcome in [*outcomes, final] for kind, _ in outcome.values())
    assert logged == reported  # the import log adds up: one row per file of each run, with its outcome
    batches = shared.rows(database, "SELECT count(*) FROM import_attempt GROUP BY batch_id ORDER BY 1")
    assert batches == sorted((len(outcome),) for outcome in [*outcomes, final])
    assert logged["new_report"] + logged["new_revision"] == len(every)
    print(f"{len(every)} bundles, {len(runs)} importers on overlapping folders ({sum(map(len, outcomes))} files): "
          f"{raced:.1f} s; refused as out of order and stored by the next run: "
          f"{sum(1 for o in outcomes for kind, code in o.values() if code == OUT_OF_ORDER)}")


def _decide(processes: CdsProcesses, pc: Path, secret: Path, commune: str, decision: str, start_at: float):
    reason = ("--reason", "Thiếu số liệu chỉ tiêu 1a") if decision == "return" else ()
    return processes.start("--data-dir", str(pc), "office", decision, commune, P, Q1, *reason, "--out",
                           str(pc / "receipts"), "--passphrase-file", str(secret), "--json", start_at=start_at)


def test_heads_racing_on_one_decision_one_wins_the_other_is_told_the_new_state(shared, cds_processes, tmp_path):
    database, pcs = shared.fresh(tmp_path, 2)
    first = [shared.bundles[commune, 1] for commune in COMMUNES]
    assert _outcomes(cds_processes.wait(_import(cds_processes, pcs[0], shared.secret, *first)))
    started = time.monotonic()
    duels = [("accept", "return"), ("return", "accept"), ("accept", "accept"), ("return", "return")]
    rounds_ = rounds(4)
    for round_, commune in enumerate(COMMUNES[:rounds_]):
        decisions = duels[round_ % len(duels)]
        start_at = time.time() + 0.3
        runs = wait_all(cds_processes, [_decide(cds_processes, pc, shared.secret, commune, decision, start_at)
                                        for pc, decision in zip(pcs, decisions)], TIMEOUT)
        context = f"round {round_} {decisions}:\n" + "\n".join(map(str, runs))
        assert not any(run.crashed for run in runs), context
        assert sorted(run.code for run in runs) == [0, 1], context
        (winner, decision), = [(run, d) for run, d in zip(runs, decisions) if run.code == 0]
        (loser, refused), = [(run, d) for run, d in zip(runs, decisions) if run.code != 0]
        state = {"accept": "accepted", "return": "returned"}[decision]
        error = json.loads(loser.stdout)["error"]
        assert error["code"] == f"office.already_{state}", context  # told plainly, naming the new state
        assert f"already {state}" in error["message_en"] and "đã được" in error["message_vi"], context
        assert error["message_en"] in loser.stderr.replace("\n", " "), context
        assert json.loads(winner.stdout)["decision"] == state, context
        assert shared.rows(database, "SELECT decision FROM receipt_issued WHERE commune_code = %s",
                           commune) == [(state,)], context  # exactly one decision recorded
        loser_pc = pcs[runs.index(loser)]
        assert not any((loser_pc / "receipts").glob(f"{commune}_*")), context  # the loser signed no receipt
    print(f"{rounds_} rounds of two heads deciding on one submission at once: {time.monotonic() - started:.1f} s")


class _Stored:
    """How many submissions the database holds, asked on one open connection (polled every millisecond)."""

    def __init__(self, shared, database: str) -> None:
        self.connection = shared.server.connect(database)

    def __call__(self) -> int:
        return self.connection.execute("SELECT count(*) FROM submission").fetchone()[0]

    def close(self) -> None:
        self.connection.close()


def _finishes_the_batch(shared, cds_processes, database: str, pc: Path, usb: Path, context: str) -> None:
    """The next run stores what is missing and finds the rest done: every bundle once, in order."""
    before = shared.rows(database, "SELECT count(*) FROM submission")[0][0]
    final = _outcomes(cds_processes.wait(_import(cds_processes, pc, shared.secret, usb)))
    kinds = Counter("stored" if kind in ("new_report", "new_revision") else kind for kind, _ in final.values())
    assert kinds == Counter(duplicate=before, stored=len(shared.bundles) - before), f"{context}\n{final}"
    assert sorted(shared.rows(database, "SELECT commune_code, revision FROM submission")) == sorted(shared.bundles)
    assert half_written(shared, database) == [], context


def test_an_importer_killed_mid_batch_leaves_nothing_half_written_and_the_next_run_finishes(shared, cds_processes,
                                                                                            tmp_path):
    rng, seed = seeded_random()
    usb = folder_of(sorted(shared.bundles.values()), tmp_path / "usb")
    kills = 0
    for round_ in range(rounds(2)):
        database, (pc,) = shared.fresh(tmp_path / f"round-{round_}", 1)
        stored, at_least = _Stored(shared, database), rng.randrange(1, len(shared.bundles) - 4)
        try:
            killed = cds_processes.run_killed("--data-dir", str(pc), "import", str(usb), "--passphrase-file",
                                              str(shared.secret), "--json", after=rng.uniform(0, 0.05),
                                              when=lambda: stored() >= at_least, timeout=TIMEOUT)
        finally:
            stored.close()
        context = f"seed {seed}, round {round_} (killed once {at_least} were stored): {killed}"
        kills += killed.killed
        assert not killed.crashed, context
        assert half_written(shared, database) == [], context  # the killed transaction rolled back whole
        _finishes_the_batch(shared, cds_processes, database, pc, usb, context)
    assert kills, "no run was killed mid-batch"


def _drop_a_store(shared, database: str) -> None:
    """Cut the importer's connection in the middle of a store transaction (it has written, not committed), as a
    network drop or an administrator would, the server staying up."""
    with shared.server.connect(database) as connection:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                                  "AND usename = %s AND backend_xid IS NOT NULL", (database, STAFF)).fetchall():
                return
            time.sleep(0.001)
    raise AssertionError("the importer never wrote")


def _restart_after_some_stored(shared, database: str) -> None:
    stored = _Stored(shared, database)
    try:
        deadline = time.monotonic() + TIMEOUT
        while stored() < 3 and time.monotonic() < deadline:
            time.sleep(0.001)
    finally:
        stored.close()
    shared.server.restart()


@pytest.mark.parametrize("server_gone", [_restart_after_some_stored, _drop_a_store], ids=["restarted", "dropped"])
def test_the_server_gone_mid_import_is_a_plain_error_and_the_next_run_finishes(shared, cds_processes, tmp_path,
                                                                              server_gone):
    usb = folder_of(sorted(shared.bundles.values()), tmp_path / "usb")
    database, (pc,) = shared.fresh(tmp_path, 1)
    child = _import(cds_processes, pc, shared.secret, usb)
    server_gone(shared, database)
    (run,) = wait_all(cds_processes, [child], TIMEOUT)
    context = str(run)
    assert not run.crashed and "Traceback" not in run.stderr, context
    assert run.code != 0, context  # the batch ended with the server gone…
    result = json.loads(run.stdout)
    assert isinstance(result, dict), f"the batch went on without the server:\n{context}"
    error = result["error"]  # … saying so plainly, in both languages
    assert error["code"] == "office.import_interrupted", context
    assert error["params"]["file"] in {file.name for file in usb.iterdir()}, context
    assert error["message_vi"] and error["message_en"] in run.stderr.replace("\n", " "), context
    assert half_written(shared, database) == [], context
    _finishes_the_batch(shared, cds_processes, database, pc, usb, context)


def test_an_import_chosen_as_a_deadlock_victim_is_retried_and_stored(shared, cds_processes, tmp_path):
    """Another PC's transaction holds the series' state row and then waits for the series' lock the import
    holds: PostgreSQL breaks the deadlock by aborting the import's transaction (``server.conflict``), which the
    import runs again once the other transaction has ended — the file is stored, not refused."""
    database, (pc,) = shared.fresh(tmp_path, 1)
    commune = COMMUNES[0]
    assert _outcomes(cds_processes.wait(_import(cds_processes, pc, shared.secret, shared.bundles[commune, 1])))
    with shared.server.connect(database) as other, shared.server.connect(database) as watch:
        other.autocommit = False
        other.execute("SET deadlock_timeout = '10s'")  # the import's own check (1 s) finds the deadlock first
        other.execute("SELECT 1 FROM sequence_state WHERE commune_code = %s FOR UPDATE", (commune,))
        child = _import(cds_processes, pc, shared.secret, shared.bundles[commune, 2])
        deadline = time.monotonic() + TIMEOUT
        while not watch.execute("SELECT 1 FROM pg_stat_activity WHERE datname = %s AND usename = %s AND "
                                "wait_event_type = 'Lock'", (database, STAFF)).fetchall():
            assert time.monotonic() < deadline, "the import never waited for the row"
            time.sleep(0.01)
        other.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",  # storage/locks.py's series lock
                      ("\x1f".join(("cds", "series", commune, P, Q1)),))
        other.rollback()
    (run,) = wait_all(cds_processes, [child], TIMEOUT)
    assert run.code == 0 and list(_outcomes(run).values()) == [("new_revision", None)], run
    assert sorted(shared.rows(database, "SELECT revision FROM submission")) == [(1,), (2,)]
    assert half_written(shared, database) == []

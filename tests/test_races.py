"""Several real processes writing at the same moment: every race resolves to "done" or "already done" / a
refusal with a message — never a traceback, never a change committed after the state it depended on changed.
Rounds: ``CDS_CRASH_ROUNDS`` (``tests/support/processes.py``).
"""

from __future__ import annotations

import functools
import shutil
import time
from pathlib import Path

from support.data_folders import P, Q1, fill, make_commune, open_commune
from support.processes import CdsProcesses, Run, cds_processes, integrity, query, rounds  # noqa: F401

WRITERS = 4


def _at_once(processes: CdsProcesses, commands: list[tuple[str, ...]]) -> list[Run]:
    """Start every command in its own process at the same moment; their runs, in the same order."""
    start_at = time.time() + 0.3
    children = [processes.start(*command, start_at=start_at) for command in commands]
    return [processes.wait(child) for child in children]


@functools.cache
def _exported_template() -> Path:
    """A commune whose period is exported (revision 1), to copy for each round."""
    import tempfile

    root = make_commune(Path(tempfile.mkdtemp(prefix="cds-exported-")) / "data")
    service = open_commune(root)
    fill(service)
    service.submit(P, Q1, "lan")
    service.approve(P, Q1, "chu_tich")
    service.mark_exported(P, Q1, "chu_tich")
    service.close()
    return root


def test_writers_racing_on_the_first_edit_of_a_period_all_succeed(cds_processes, tmp_path):
    for round_ in range(rounds(6)):
        root = make_commune(tmp_path / f"data-{round_}")
        runs = _at_once(cds_processes, [("--data-dir", str(root), "entry", "set", P, Q1, "1a", "--numerator",
                                         str(writer + 1), "--denominator", "1000") for writer in range(WRITERS)])
        context = f"round {round_}:\n" + "\n".join(map(str, runs))
        assert all(run.code == 0 for run in runs), context
        assert query(root / "cds.sqlite", "SELECT count(*) FROM period_record") == [(1,)], context
        changes = query(root / "cds.sqlite", "SELECT old_value, new_value FROM history WHERE field = 'numerator'")
        assert len(changes) == WRITERS, context  # each writer saw what the one before it wrote
        assert [old for old, _ in changes][1:] == [new for _, new in changes][:-1], context
        assert integrity(root / "cds.sqlite") == "ok"


def test_writers_racing_on_an_exported_period_start_the_next_revision_once(cds_processes, tmp_path):
    for round_ in range(rounds(6)):
        root = tmp_path / f"data-{round_}"
        shutil.copytree(_exported_template(), root)
        runs = _at_once(cds_processes, [("--data-dir", str(root), "entry", "set", P, Q1, "1a", "--numerator",
                                         str(70 + writer)) for writer in range(WRITERS)])
        context = f"round {round_}:\n" + "\n".join(map(str, runs))
        assert all(run.code == 0 for run in runs), context
        starts = query(root / "cds.sqlite", "SELECT old_value, new_value FROM history WHERE field = 'revision'")
        assert starts == [("1", "2")], context
        assert query(root / "cds.sqlite", "SELECT state, revision FROM period_record") == [("draft", 2)], context


def test_an_edit_racing_a_submit_never_lands_after_the_submission(cds_processes, tmp_path):
    template = make_commune(tmp_path / "template")
    service = open_commune(template)
    fill(service)
    service.close()
    for round_ in range(rounds(8)):
        root = tmp_path / f"data-{round_}"
        shutil.copytree(template, root)
        commands = [("--data-dir", str(root), "submit", P, Q1)]
        commands += [("--data-dir", str(root), "entry", "set", P, Q1, "1b", "--numerator", str(40 + writer), "--json")
                     for writer in range(WRITERS - 1)]
        submit, *edits = _at_once(cds_processes, commands)
        context = f"round {round_}:\n{submit}\n" + "\n".join(map(str, edits))
        assert submit.code == 0, context
        for edit in edits:  # saved before the submission, or refused because the period is submitted
            assert edit.code == 0 or (edit.code == 1 and edit.error_code == "period.locked"), context
        ((submitted_at,),) = query(root / "cds.sqlite",
                                   "SELECT id FROM history WHERE field = 'state' AND new_value = 'submitted'")
        late = query(root / "cds.sqlite", "SELECT item_code, field, new_value FROM history WHERE id > ? "
                     "AND item_code != '*'", submitted_at)
        assert late == [], f"{context}\nchanged after the submission: {late}"
        refused = sum(edit.code != 0 for edit in edits)
        saved = query(root / "cds.sqlite", "SELECT count(*) FROM history WHERE field = 'numerator' AND item_code = '1b'"
                      " AND new_value IN ('40', '41', '42')")[0][0]
        assert saved == len(edits) - refused, context  # every edit reported saved is there

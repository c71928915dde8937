"""Kills at random moments (real processes, SIGKILL) of a save, an evidence copy, an export, an import, a backup
and a restore: the database stays sound, nothing half-written carries a final name, everything reported as
saved is still there, nothing is left behind once the next command has started, and running the command again
finishes the work. Rounds: ``CDS_CRASH_ROUNDS``; replay: ``CDS_CRASH_SEED`` (``tests/support/processes.py``).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from support.data_folders import P, Q1, approve, make_commune, make_exchange, open_commune
from support.processes import cds_processes, integrity, query, rounds, seeded_random, temporaries  # noqa: F401

NUMERATOR = ("SELECT iv.numerator FROM indicator_value iv JOIN period_record pr ON iv.period_ref = pr.id "
             "WHERE pr.period_id = ? AND iv.indicator_code = ?")


def _numerator(root: Path, item: str = "1a") -> str | None:
    rows = query(root / "cds.sqlite", NUMERATOR, Q1, item)
    return rows[0][0] if rows else None


def _duration(cds_processes, *commands: tuple[str, ...]) -> float:
    """How long a command takes, with a margin, so that kill moments drawn in ``[0, duration]`` cover all of
    it: the last of ``commands`` (the same command, or the same on fresh copies of the data) is timed."""
    runs = [cds_processes.run(*command) for command in commands]
    assert all(run.code == 0 for run in runs), runs
    return runs[-1].seconds * 1.2


def _stored_evidence_is_sound(root: Path) -> None:
    """Every file under evidence/ab/ has the content its name says; every file the database lists exists."""
    for path in (root / "evidence").glob("??/*"):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name, f"partial file under a final name: {path}"
    for (sha256,) in query(root / "cds.sqlite", "SELECT sha256 FROM evidence_file"):
        assert (root / "evidence" / sha256[:2] / sha256).is_file(), f"evidence {sha256} recorded but missing"


def test_kills_during_saves_lose_and_corrupt_nothing(cds_processes, tmp_path):
    root = make_commune(tmp_path / "data")
    rng, seed = seeded_random()
    command = ("--data-dir", str(root), "entry", "set", P, Q1, "1a", "--denominator", "100000", "--numerator")
    duration = _duration(cds_processes, (*command, "1"), (*command, "1"))
    saved, reported = "1", {"1"}
    kills = 0
    for round_ in range(rounds(12)):
        value = str(round_ + 2)
        killed = cds_processes.run_killed(*command, value, after=rng.uniform(0, duration))
        context = f"seed {seed}, round {round_}: {killed}"
        kills += killed.killed
        assert not killed.crashed, context
        assert integrity(root / "cds.sqlite") == "ok", context
        assert _numerator(root) in (saved, value), context  # one transaction: all of it or none
        if killed.code == 0:
            reported.add(value)
            assert _numerator(root) == value, context
        retry = cds_processes.run(*command, value)
        assert retry.code == 0, f"{context}\nretry: {retry}"
        saved = value
        reported.add(value)
        assert temporaries(root) == [], context
    history = {row[0] for row in query(root / "cds.sqlite", "SELECT new_value FROM history WHERE field = 'numerator'")}
    assert reported <= history  # every value a command reported saved is in the history
    assert kills, f"seed {seed}: no command was killed while running"
    print(f"seed {seed}: {kills} kills")



def test_kills_during_evidence_copies_leave_no_partial_or_temporary_file(cds_processes, tmp_path):
    root = make_commune(tmp_path / "data")
    rng, seed = seeded_random()
    source = tmp_path / "bien-ban-nghiem-thu.pdf"
    command = ("--data-dir", str(root), "evidence", "add", P, Q1, "1a", str(source))
    source.write_bytes(rng.randbytes(8 * 1024 * 1024))
    duration = _duration(cds_processes, command, command)
    kills = 0
    for round_ in range(rounds(8)):
        source.write_bytes(rng.randbytes(8 * 1024 * 1024))
        sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
        killed = cds_processes.run_killed(*command, after=rng.uniform(0, duration))
        context = f"seed {seed}, round {round_}: {killed}"
        kills += killed.killed
        assert not killed.crashed, context
        assert integrity(root / "cds.sqlite") == "ok", context
        _stored_evidence_is_sound(root)
        retry = cds_processes.run(*command)
        assert retry.code == 0, f"{context}\nretry: {retry}"
        assert query(root / "cds.sqlite", "SELECT count(*) FROM evidence_link WHERE sha256 = ?", sha256) == [(1,)]
        assert temporaries(root) == [], context  # the retry's start removed what the killed copy left
        _stored_evidence_is_sound(root)
    assert kills, f"seed {seed}: no command was killed while running"
    print(f"seed {seed}: {kills} kills")



def _period_state(root: Path) -> tuple[str, int]:
    ((state, revision),) = query(root / "cds.sqlite", "SELECT state, revision FROM period_record WHERE period_id = ?",
                                 Q1)
    return state, revision


def _exports(root: Path, revision: int) -> list[tuple[str, str]]:
    return query(root / "cds.sqlite", "SELECT bundle_id, manifest_hash FROM export_record WHERE revision = ?", revision)


def test_kills_during_export_then_retries_make_bundles_the_office_always_accepts(cds_processes, tmp_path):
    """Item 2 of the issue: a killed export, retried, never makes a bundle the office refuses — not the retry's,
    not a copy of what the killed attempt left (which may already have been sent), not any later revision's."""
    from cds_desktop.core.paths import DataDir
    from cds_desktop.core.services.office.service import OfficeService
    from cds_desktop.core.services.commune.service import installed_catalog
    from support.data_folders import PASS_OFFICE

    setup = make_exchange(tmp_path / "setup")
    rng, seed = seeded_random()
    passphrase = ("--passphrase-file", str(setup.commune_passphrase_file))
    photo = tmp_path / "anh-hien-truong.jpg"  # an attachment, so that writing the bundle takes a while
    photo.write_bytes(rng.randbytes(1024 * 1024))
    service = open_commune(setup.commune)
    service.add_evidence(P, Q1, "1a", photo, "lan")
    service.close()
    approve(setup.commune, numerator="51")
    rehearsals = []
    for number in range(2):
        shutil.copytree(setup.commune, tmp_path / f"rehearsal-{number}")
        rehearsals.append(("--data-dir", str(tmp_path / f"rehearsal-{number}"), "export", P, Q1, "--out",
                           str(tmp_path / f"rehearsal-out-{number}"), *passphrase))
    duration = _duration(cds_processes, *rehearsals)
    office = OfficeService(DataDir(setup.office), installed_catalog(DataDir(setup.office)))
    kills = 0
    try:
        for revision in range(1, rounds(3) + 1):
            if revision > 1:
                approve(setup.commune, numerator=str(50 + revision))  # editing the exported period starts it
            out = tmp_path / f"usb-r{revision}"
            export = ("--data-dir", str(setup.commune), "export", P, Q1, "--out", str(out), *passphrase)
            escaped = []
            for attempt in range(3):
                if attempt == 0:  # just after the bundle got its final name
                    killed = cds_processes.run_killed(*export, after=rng.uniform(0, 0.005),
                                                      when=lambda: any(out.glob("*.cdsb")))
                elif attempt == 1:  # while the bundle is being written
                    killed = cds_processes.run_killed(*export, after=rng.uniform(0, 0.01),
                                                      when=lambda: out.is_dir() and any(out.iterdir()))
                else:  # anywhere
                    killed = cds_processes.run_killed(*export, after=rng.uniform(0, duration))
                context = f"seed {seed}, revision {revision}, attempt {attempt}: {killed}"
                kills += killed.killed
                assert not killed.crashed, context
                assert integrity(setup.commune / "cds.sqlite") == "ok", context
                state, current = _period_state(setup.commune)
                assert current == revision, context
                assert (state == "exported") == bool(_exports(setup.commune, revision)), context  # one transaction
                for bundle in out.glob("*.cdsb"):  # a complete bundle under its final name may be sent at once
                    copy = tmp_path / "sent" / f"r{revision}-{attempt}" / bundle.name
                    copy.parent.mkdir(parents=True)
                    shutil.copy(bundle, copy)
                    escaped.append(copy)
                if state == "exported":
                    break
            retry = cds_processes.run(*export)
            state, _ = _period_state(setup.commune)
            assert retry.code == 0 or (state == "exported" and "exported" in retry.stderr), f"{context}\n{retry}"
            assert state == "exported" and len(_exports(setup.commune, revision)) == 1, context
            assert temporaries(out) == [], context
            files = [*escaped, *out.glob("*.cdsb")]
            rng.shuffle(files)
            outcomes = office.import_bundles(files, PASS_OFFICE)
            assert {o.status for o in outcomes} <= {"accepted", "duplicate"}, \
                f"{context}\n" + "\n".join(f"{o.file}: {o.status} {o.error and o.error.code}" for o in outcomes)
            assert sum(o.status == "accepted" for o in outcomes) == 1, context
            ((bundle_id, manifest_hash),) = _exports(setup.commune, revision)
            accepted = office.submission("24751", P, Q1)
            assert (accepted.revision, accepted.bundle_id, accepted.manifest_hash) == (revision, bundle_id,
                                                                                      manifest_hash), context
    finally:
        office.close()
    assert kills, f"seed {seed}: no export was killed while running"
    print(f"seed {seed}: {kills} kills")


def test_kills_during_an_office_import_leave_no_decrypted_evidence_and_the_retry_imports(cds_processes, tmp_path):
    from cds_desktop.core.services.commune.exchange import CommuneExchange
    from support.data_folders import PASS_COMMUNE

    setup = make_exchange(tmp_path / "setup")
    rng, seed = seeded_random()
    photo = tmp_path / "anh-hien-truong.jpg"
    photo.write_bytes(rng.randbytes(1024 * 1024))
    service = open_commune(setup.commune)
    service.add_evidence(P, Q1, "1a", photo, "lan")
    service.close()
    bundles = tmp_path / "bundles"
    for numerator in ("61", "62"):
        approve(setup.commune, numerator=numerator)
        service = open_commune(setup.commune)
        CommuneExchange(service).export(P, Q1, bundles, PASS_COMMUNE, "chu_tich")
        service.close()
    files = sorted(str(p) for p in bundles.glob("*.cdsb"))

    def command(office: Path) -> tuple[str, ...]:
        return ("--data-dir", str(office), "import", *files, "--passphrase-file", str(setup.office_passphrase_file))

    rehearsals = []
    for number in range(2):
        shutil.copytree(setup.office, tmp_path / f"rehearsal-{number}")
        rehearsals.append(command(tmp_path / f"rehearsal-{number}"))
    duration = _duration(cds_processes, *rehearsals)
    kills = 0
    for round_ in range(rounds(4)):
        office = tmp_path / f"office-{round_}"
        shutil.copytree(setup.office, office)
        evidence = office / "evidence"
        if round_ % 2:
            killed = cds_processes.run_killed(*command(office), after=rng.uniform(0, duration))
        else:  # while a bundle's evidence is being decrypted into the evidence store's owned temporaries
            killed = cds_processes.run_killed(*command(office), after=rng.uniform(0, 0.05),
                                              when=lambda: any(evidence.glob(".incoming-*")))
        context = f"seed {seed}, round {round_}: {killed}"
        kills += killed.killed
        assert not killed.crashed, context
        assert integrity(office / "cds.sqlite") == "ok", context
        revisions = [r for (r,) in query(office / "cds.sqlite", "SELECT revision FROM submission ORDER BY revision")]
        assert revisions in ([], [1], [1, 2]), context
        started = cds_processes.run("--data-dir", str(office), "office", "submissions", P, Q1)
        assert started.code == 0, f"{context}\n{started}"
        assert temporaries(office) == [], context  # no decrypted evidence left in a temporary
        _stored_evidence_is_sound(office)
        retry = cds_processes.run(*command(office))
        assert retry.code == 0, f"{context}\nretry: {retry}"
        assert query(office / "cds.sqlite", "SELECT revision, is_current FROM submission ORDER BY revision") == [
            (1, 0), (2, 1)], context
    assert kills, f"seed {seed}: no command was killed while running"
    print(f"seed {seed}: {kills} kills")



def test_kills_during_a_backup_leave_only_complete_backups(cds_processes, tmp_path):
    root = make_commune(tmp_path / "data")
    rng, seed = seeded_random()
    service = open_commune(root)
    for number in range(3):
        photo = tmp_path / f"anh-{number}.jpg"
        photo.write_bytes(rng.randbytes(3 * 1024 * 1024))
        service.add_evidence(P, Q1, "1a", photo, "lan")
    service.close()
    destination = tmp_path / "usb"
    command = ("--data-dir", str(root), "backup", "create", str(destination))
    duration = _duration(cds_processes, command, command)
    kills = 0
    for round_ in range(rounds(6)):
        if round_ % 2:
            killed = cds_processes.run_killed(*command, after=rng.uniform(0, duration))
        else:  # while the backup is being written
            before = set(destination.iterdir())
            killed = cds_processes.run_killed(*command, after=rng.uniform(0, duration / 2),
                                              when=lambda: set(destination.iterdir()) != before)
        context = f"seed {seed}, round {round_}: {killed}"
        kills += killed.killed
        assert not killed.crashed, context
        assert integrity(root / "cds.sqlite") == "ok", context
        started = cds_processes.run("--data-dir", str(root), "status", P, Q1)
        assert started.code == 0, f"{context}\n{started}"
        for folder in destination.glob("CDS-backup-*"):  # a final name means a complete backup
            checked = cds_processes.run("--data-dir", str(root), "backup", "check", str(folder))
            assert checked.code == 0, f"{context}\n{checked}"
        assert temporaries(destination) == [], context  # the next command's start removed the partial one
        retry = cds_processes.run(*command)
        assert retry.code == 0, f"{context}\nretry: {retry}"
    assert kills, f"seed {seed}: no command was killed while running"
    print(f"seed {seed}: {kills} kills")



def test_kills_during_a_restore_leave_the_old_or_the_restored_data_never_a_mix(cds_processes, tmp_path):
    from cds_desktop.core.services.backup import backup

    pristine = make_commune(tmp_path / "pristine")
    rng, seed = seeded_random()
    service = open_commune(pristine)
    service.set_indicator(P, Q1, "1a", {"numerator": "222", "denominator": "1000"}, "lan")
    for number in range(2):
        photo = tmp_path / f"backed-up-{number}.jpg"
        photo.write_bytes(rng.randbytes(3 * 1024 * 1024))
        service.add_evidence(P, Q1, "1a", photo, "lan")
    saved = backup(service, tmp_path / "usb")
    service.set_indicator(P, Q1, "1a", {"numerator": "111"}, "lan")
    photo = tmp_path / "later.jpg"
    photo.write_bytes(rng.randbytes(3 * 1024 * 1024))
    service.add_evidence(P, Q1, "T1", photo, "lan")
    service.close()

    def command(root: Path) -> tuple[str, ...]:
        return "--data-dir", str(root), "backup", "restore", str(saved.folder)

    rehearsals = []
    for number in range(2):
        shutil.copytree(pristine, tmp_path / f"rehearsal-{number}")
        rehearsals.append(command(tmp_path / f"rehearsal-{number}"))
    duration = _duration(cds_processes, *rehearsals)
    kills = 0
    for round_ in range(rounds(8)):
        root = tmp_path / f"data-{round_}"
        shutil.copytree(pristine, root)
        aims = [lambda: any(p.name.startswith(".restore-") for p in root.iterdir()),  # staging or swapping
                lambda: any(root.glob("backups/before-restore-*")),  # swapping
                None]
        aim = aims[round_ % 3]
        killed = cds_processes.run_killed(*command(root), after=rng.uniform(0, duration if aim is None else 0.02),
                                          when=aim)
        context = f"seed {seed}, round {round_}: {killed}"
        kills += killed.killed
        assert not killed.crashed, context
        started = cds_processes.run("--data-dir", str(root), "status", P, Q1)  # finishes a decided restore
        assert started.code == 0, f"{context}\n{started}"
        assert integrity(root / "cds.sqlite") == "ok", context
        assert _numerator(root) in ("111", "222"), context
        _stored_evidence_is_sound(root)
        if _numerator(root) == "111":
            retry = cds_processes.run(*command(root))
            assert retry.code == 0, f"{context}\nretry: {retry}"
        assert _numerator(root) == "222", context
        _stored_evidence_is_sound(root)
        assert temporaries(root) == [] and not (root / "restore-journal.json").exists(), context
    assert kills, f"seed {seed}: no command was killed while running"
    print(f"seed {seed}: {kills} kills")


def test_the_start_up_clean_up_never_touches_what_a_live_process_is_writing(cds_processes, tmp_path):
    """Item 3: only what is provably abandoned goes. A paused (SIGSTOP) process is alive: its evidence copy and
    its backup folder stay while other processes start in the same folder, and it then finishes normally."""
    import os
    import signal
    import time

    root = make_commune(tmp_path / "data")
    video = tmp_path / "video.mp4"
    video.write_bytes(os.urandom(48 * 1024 * 1024))
    usb = tmp_path / "usb"
    usb.mkdir()

    def paused(*command: str, shows: str, where: Path):
        child = cds_processes.start("--data-dir", str(root), *command)
        deadline = time.monotonic() + 60
        while not list(where.glob(shows)) and time.monotonic() < deadline:
            time.sleep(0.001)
        os.kill(child.pid, signal.SIGSTOP)
        assert list(where.glob(shows)), f"{command} finished before it could be paused"
        return child

    copying = paused("evidence", "add", P, Q1, "1a", str(video), shows=".incoming-*.part", where=root / "evidence")
    backing_up = paused("backup", "create", str(usb), shows=".CDS-backup-*.partial", where=usb)
    live = temporaries(root) + temporaries(usb)
    copies = set((root / "evidence").glob(".incoming-*.part"))
    abandoned = cds_processes.run_killed("--data-dir", str(root), "evidence", "add", P, Q1, "T1", str(video),
                                         after=0.0, when=lambda: set((root / "evidence").glob(".incoming-*")) != copies)
    assert abandoned.killed and set((root / "evidence").glob(".incoming-*.part")) != copies
    started = cds_processes.run("--data-dir", str(root), "status", P, Q1)
    assert started.code == 0, started
    assert temporaries(root) + temporaries(usb) == live  # the dead one's copy went, the live ones' stayed
    for child in (copying, backing_up):
        os.kill(child.pid, signal.SIGCONT)
        finished = cds_processes.wait(child)
        assert finished.code == 0, finished
    assert temporaries(root) == [] and temporaries(usb) == []
    _stored_evidence_is_sound(root)
    (backup_folder,) = usb.glob("CDS-backup-*")
    assert cds_processes.run("--data-dir", str(root), "backup", "check", str(backup_folder)).code == 0

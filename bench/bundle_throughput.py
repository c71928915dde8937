"""Bundle export/import throughput and peak memory, against age encrypting and decrypting the same bytes.

    uv run python bench/bundle_throughput.py                 # 512 MiB of evidence in 4 files, best of 3
    uv run python bench/bundle_throughput.py --size-mib 64   # quicker
    uv run python bench/bundle_throughput.py --dir /dev/shm  # take the disk out of the comparison

Each export and import runs in a fresh child process that reports its own time (the ``write_bundle`` /
``verify_bundle`` call only) and its peak resident memory (``ru_maxrss``, whole process: interpreter and
libraries included). ``age`` (``/usr/bin/age``, key from ``age-keygen``) encrypts the concatenated evidence files
and decrypts the result; it is timed as a whole process. Our export fsyncs the bundle before renaming it (it is
atomic) and our import fsyncs the evidence it stores; age does neither, so age is also shown with an fsync of
its output (the issue's comparison: both sides fsynced). Runs are interleaved and
the best of ``--repeat`` is kept, which filters out other load on the machine. CPU time (user + system, all
threads) is shown too: it does not depend on what else runs. Prints numbers; gates nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIB = 1024 * 1024


def _child(spec_path: str) -> None:
    """Run one export or import as described in the spec file and print {seconds, max_rss_kib}."""
    spec = json.loads(Path(spec_path).read_text())
    from cds_desktop.core.bundle import (
        AttachmentSource,
        EncryptionKey,
        EnrolledKey,
        KeyStatus,
        Recipient,
        Series,
        SigningKey,
        verify_bundle,
        write_bundle,
    )

    signing_key = SigningKey.from_seed(bytes.fromhex(spec["signing_seed"]))
    office_key = EncryptionKey.from_seed(bytes.fromhex(spec["office_seed"]))
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    if spec["action"] == "export":
        written = write_bundle(
            Path(spec["output_dir"]),
            series=Series(commune="24751", plan="dak-rlap-2023", period="2023Q1"),
            revision=1,
            previous_manifest_sha256=None,
            signing_key=signing_key,
            recipients=[Recipient("66", office_key.public)],
            records={"records/indicators.json": {"smartphone_ratio": "80.5"}},
            attachments=[
                AttachmentSource(a["name"], Path(a["path"]), a["size"], a["sha256"]) for a in spec["attachments"]
            ],
            app_version="bench",
            schema_version=1,
        )
        result = {"path": str(written.path)}
    elif spec["action"] == "import":
        verify_bundle(
            Path(spec["bundle"]),
            Path(spec["quarantine"]),
            office="66",
            keys=[office_key],
            lookup_sender=lambda org, key_id: EnrolledKey(org, signing_key.public, KeyStatus.ACTIVE),
        )
        result = {}
    else:  # "idle": the interpreter with the bundle library imported, for scale
        result = {}
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    print(json.dumps({**result, "seconds": seconds, "cpu_seconds": cpu, "max_rss_kib": usage.ru_maxrss}))


def _run_child(spec: dict, work: Path) -> dict:
    spec_path = work / "spec.json"
    spec_path.write_text(json.dumps(spec))
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(spec_path)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _timed(command: list[str], *, fsync: Path | None = None, shell: bool = False) -> tuple[float, float]:
    """Wall time and CPU time (user + system, all child processes) of running ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command if not shell else " ".join(command), check=True, shell=shell)
    if fsync is not None:
        with open(fsync, "rb") as stream:
            os.fsync(stream.fileno())
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _make_evidence(folder: Path, total_mib: int, files: int) -> list[dict]:
    attachments = []
    per_file = [total_mib // files + (1 if i < total_mib % files else 0) for i in range(files)]
    for index, mib in enumerate(per_file):
        path = folder / f"evidence-{index}.bin"
        digest = hashlib.sha256()
        with open(path, "wb") as stream:
            for _ in range(mib):
                block = os.urandom(MIB)
                digest.update(block)
                stream.write(block)
        attachments.append(
            {"name": f"evidence/{path.name}", "path": str(path), "size": mib * MIB, "sha256": digest.hexdigest()}
        )
    return attachments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=512, help="total evidence size (default 512)")
    parser.add_argument("--files", type=int, default=4, help="number of evidence files (default 4)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is kept (default 3)")
    parser.add_argument("--dir", type=Path, default=None, help="where to put the temporary files")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    if shutil.which("age") is None or shutil.which("age-keygen") is None:
        sys.exit("age and age-keygen are needed (Debian package: age)")

    from cds_desktop.core.bundle import EncryptionKey, SigningKey

    with tempfile.TemporaryDirectory(prefix="cdsb-bench-", dir=args.dir) as temp:
        work = Path(temp)
        print(f"generating {args.size_mib} MiB of evidence in {args.files} files under {work} ...", flush=True)
        attachments = _make_evidence(work, args.size_mib, args.files)
        subprocess.run(["age-keygen", "-o", str(work / "age.key")], check=True, capture_output=True)
        age_recipient = subprocess.run(
            ["age-keygen", "-y", str(work / "age.key")], check=True, capture_output=True, text=True
        ).stdout.strip()
        seeds = {"signing_seed": SigningKey.generate().seed.hex(), "office_seed": EncryptionKey.generate().seed.hex()}
        sources = [a["path"] for a in attachments]
        best: dict[str, float] = {}
        cpu: dict[str, float] = {}
        peak: dict[str, int] = {}

        def keep(name: str, timing: tuple[float, float], rss_kib: int = 0) -> None:
            seconds, cpu_seconds = timing
            best[name] = min(best.get(name, seconds), seconds)
            cpu[name] = min(cpu.get(name, cpu_seconds), cpu_seconds)
            peak[name] = max(peak.get(name, 0), rss_kib)

        for run in range(args.repeat):
            out_dir, quarantine = work / "out", work / "quarantine"
            shutil.rmtree(out_dir, ignore_errors=True)
            shutil.rmtree(quarantine, ignore_errors=True)
            export = _run_child(
                {**seeds, "action": "export", "output_dir": str(out_dir), "attachments": attachments}, work
            )
            keep("export", (export["seconds"], export["cpu_seconds"]), export["max_rss_kib"])
            imported = _run_child(
                {**seeds, "action": "import", "bundle": export["path"], "quarantine": str(quarantine)}, work
            )
            keep("import", (imported["seconds"], imported["cpu_seconds"]), imported["max_rss_kib"])
            encrypted, decrypted = work / "evidence.age", work / "evidence.dec"
            for path in (encrypted, decrypted):
                path.unlink(missing_ok=True)
            keep(
                "age_encrypt",
                _timed(["cat", *sources, "|", "age", "-r", age_recipient, "-o", str(encrypted)], shell=True),
            )
            keep(
                "age_decrypt", _timed(["age", "-d", "-i", str(work / "age.key"), "-o", str(decrypted), str(encrypted)])
            )
            decrypted.unlink()
            keep(
                "age_decrypt_fsync",
                _timed(["age", "-d", "-i", str(work / "age.key"), "-o", str(decrypted), str(encrypted)],
                       fsync=decrypted),
            )
            encrypted.unlink()
            keep(
                "age_encrypt_fsync",
                _timed(
                    ["cat", *sources, "|", "age", "-r", age_recipient, "-o", str(encrypted)],
                    shell=True,
                    fsync=encrypted,
                ),
            )
            print(f"  run {run + 1}/{args.repeat} done", flush=True)
        idle = _run_child({**seeds, "action": "idle"}, work)

    megabytes = args.size_mib * MIB / 1e6

    def rate(name: str) -> float:
        return megabytes / best[name]

    def line(label: str, name: str) -> str:
        memory = f"   peak RSS {peak[name] / 1024:5.1f} MiB" if peak[name] else ""
        return f"  {label:<22}{rate(name):8.0f} MB/s {best[name]:7.2f} s wall {cpu[name]:6.2f} s CPU{memory}"

    print(f"\nevidence: {args.size_mib} MiB in {args.files} files; best of {args.repeat} runs; MB = 10^6 bytes")
    print(line("export (cds)", "export"))
    print(line("import (cds)", "import"))
    print(line("age encrypt", "age_encrypt"))
    print(line("age encrypt + fsync", "age_encrypt_fsync"))
    print(line("age decrypt", "age_decrypt"))
    print(line("age decrypt + fsync", "age_decrypt_fsync"))
    print(f"  ratio export / age encrypt (both fsynced)  {rate('export') / rate('age_encrypt_fsync'):5.2f}")
    print(f"  ratio export / age encrypt (age unsynced)  {rate('export') / rate('age_encrypt'):5.2f}")
    print(f"  ratio import / age decrypt (both fsynced)  {rate('import') / rate('age_decrypt_fsync'):5.2f}")
    print(f"  ratio import / age decrypt (age unsynced)  {rate('import') / rate('age_decrypt'):5.2f}")
    print(f"  interpreter + libraries alone: peak RSS {idle['max_rss_kib'] / 1024:5.1f} MiB (goal: <= 64 MiB in total)")


if __name__ == "__main__":
    main()

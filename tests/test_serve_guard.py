"""The server on loopback (issue 15, item 9): slow questions run in a thread pool and never hold up a
quick one; the Host header is checked against the bind address (DNS rebinding); every response carries
nosniff, a self-only Content-Security-Policy and frame-ancestors 'none'."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from _corpus import SUINING_2021
from _net import free_port

from policykg.api.guard import HostPolicy
from policykg.api.http import answers, create_app
from policykg.graph.store import EmbeddedStore
from policykg.queries.answers import DocRef, Page

POLICYKG = [sys.executable, "-m", "policykg"]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("guard") / "g.db"
    subprocess.run([*POLICYKG, "build", str(SUINING_2021), "--store", str(path)], check=True, capture_output=True,
                   timeout=120)
    return path


def _request(port: int, path: str, host: str | None = None, timeout: float = 30) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Host": host} if host is not None else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _serve(store: Path, *args: str) -> Iterator[int]:
    port = free_port()
    server = subprocess.Popen([*POLICYKG, "serve", "--store", str(store), "--port", str(port), *args],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                _request(port, "/openapi.json", timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "policykg serve did not come up"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def loopback(store_path: Path) -> Iterator[int]:
    yield from _serve(store_path)


@pytest.fixture(scope="module")
def everywhere(store_path: Path) -> Iterator[int]:
    """Bound to every interface (reached here only through loopback), with one name the operator lists."""
    yield from _serve(store_path, "--host", "0.0.0.0", "--allow-host", "kg.lab.example")


# --- Host -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "localhost.evil",
                                  "kg.lab.example", ""])
def test_a_loopback_server_refuses_other_hosts(loopback: int, host: str) -> None:
    response = _request(loopback, "/documents?limit=1", host.format(port=loopback))
    assert response.status == 421


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "LOCALHOST", "[::1]:{port}", "127.0.0.2",
                                  "localhost."])
def test_a_loopback_server_answers_loopback_names(loopback: int, host: str) -> None:
    assert _request(loopback, "/documents?limit=1", host.format(port=loopback)).status == 200


@pytest.mark.parametrize(("host", "status"), [("kg.lab.example", 200), ("KG.lab.example:8000", 200),
                                              ("localhost", 200), ("192.0.2.7:{port}", 200), ("[2001:db8::1]", 200),
                                              ("evil.example", 421), ("lab.example", 421)])
def test_a_server_on_every_interface_answers_the_listed_names_and_addresses(everywhere: int, host: str,
                                                                            status: int) -> None:
    assert _request(everywhere, "/documents?limit=1", host.format(port=everywhere)).status == status


def test_the_refusal_says_how_to_allow_a_name(loopback: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", loopback, timeout=30)
    connection.request("GET", "/ui/", headers={"Host": "evil.example"})
    response = connection.getresponse()
    body = json.loads(response.read())
    assert response.status == 421 and "--allow-host" in body["detail"]
    assert response.getheader("x-content-type-options") == "nosniff"


# --- headers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/ui/", "/ui/app.js", "/ui/vendor/cytoscape.min.js", "/docs", "/openapi.json",
                                  "/documents?limit=1", "/provisions/nothing", "/search?limit=0", "/ui/missing.js", "/"])
def test_every_response_carries_the_security_headers(loopback: int, path: str) -> None:
    response = _request(loopback, path)
    assert response.getheader("x-content-type-options") == "nosniff"
    policy = response.getheader("content-security-policy")
    assert policy is not None and "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "http" not in policy
    assert response.getheader("x-frame-options") == "DENY"


# --- a slow question does not hold up a quick one --------------------------------------------------


class _Slow:
    """A question that waits until it is released, and says when each call has started."""

    def __init__(self, callers: int):
        self.started = threading.Barrier(callers + 1)
        self.release = threading.Event()
        self.finished = 0

    def __call__(self) -> Page[DocRef]:
        self.started.wait(timeout=60)
        self.release.wait(timeout=60)
        self.finished += 1
        return Page[DocRef](total=0, items=[])


def test_eight_slow_questions_do_not_hold_up_a_quick_one(store_path: Path) -> None:
    """Eight clients are inside a slow question at once (all started, none finished) while a ninth asks
    ``/documents?limit=1`` and gets its answer. On the event loop the first slow call would block it."""
    slow = _Slow(callers=8)
    with EmbeddedStore(store_path) as store:
        app = create_app(store, HostPolicy.for_bind("127.0.0.1"))

        @answers(app, "/slow", tags=["test"])
        def ask_slowly() -> Page[DocRef]:
            return slow()

        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            while not server.started:
                assert thread.is_alive(), "uvicorn stopped"
                time.sleep(0.05)
            statuses: list[int] = []
            clients = [threading.Thread(target=lambda: statuses.append(_request(port, "/slow", timeout=90).status))
                       for _ in range(8)]
            for client in clients:
                client.start()
            slow.started.wait(timeout=60)  # all eight are inside the question now
            quick = _request(port, "/documents?limit=1", timeout=30)
            assert quick.status == 200
            assert slow.finished == 0  # answered while every slow question was still running
            slow.release.set()
            for client in clients:
                client.join(timeout=90)
            assert statuses == [200] * 8
        finally:
            slow.release.set()
            server.should_exit = True
            thread.join(timeout=30)


def test_questions_answered_side_by_side_equal_the_same_questions_one_at_a_time(corpus_store_path: Path) -> None:
    """Routes now run in the thread pool, so the store and the query index are read by several
    threads at once: eight clients asking a mix of questions together get what one client gets."""
    paths = ["/documents?limit=5", "/search?q=%E5%8C%BB%E9%99%A2&limit=5", "/cascade/%E5%B7%9D%E5%8A%9E%E5%8F%91"
             "%E3%80%942020%E3%80%9553%E5%8F%B7", "/obligations?agency=%E7%9C%81%E5%8C%BB%E4%BF%9D%E5%B1%80&region="
             "%E5%9B%9B%E5%B7%9D%E7%9C%81", "/provisions/%E5%B7%9D%E5%8A%9E%E5%8F%91%E3%80%942020%E3%80%9553%E5%8F"
             "%B7:13/lineage", "/compare?region=%E5%9B%9B%E5%B7%9D%E7%9C%81&year_a=2020&year_b=2024"]
    serving = _serve(corpus_store_path)
    port = next(serving)
    try:
        together: list[tuple[str, bytes]] = []
        lock = threading.Lock()

        def client(offset: int) -> None:
            for round_ in range(4):
                path = paths[(offset + round_) % len(paths)]
                body = _body(port, path)
                with lock:
                    together.append((path, body))

        clients = [threading.Thread(target=client, args=(i,)) for i in range(8)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(timeout=120)
        alone = {path: _body(port, path) for path in paths}  # after: the clients met a server just started
    finally:
        serving.close()  # stops the server
    assert len(together) == 32
    assert all(body == alone[path] for path, body in together)


def _body(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 200, (path, body[:200])
    return body


def test_the_store_reads_evidence_for_many_threads_at_once(corpus_store: EmbeddedStore) -> None:
    """What a server's threads do together: read lineage evidence back from SQLite through the one
    shared connection. Unserialised, sqlite3's shared statements gave empty rows and API-misuse errors."""
    edges = [e for e in corpus_store.edges() if e["id"] in corpus_store._has_evidence]
    assert len(edges) >= 20
    bare = [{k: v for k, v in e.items() if k != "evidence"} for e in edges]
    expected = corpus_store.complete(bare)
    results: list[bool] = []
    failures: list[str] = []

    def reader() -> None:
        for _ in range(100):
            try:
                results.append(corpus_store.complete(bare) == expected)
            except Exception as exc:  # any error here is the race this test is about
                failures.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == [] and results == [True] * 800, (failures[:3], results.count(False))

"""Hypothesis over the loader's whole path (issue 15): ``policykg.build.build`` on files whose bytes
are generated — random bytes, real notices mutated, deeply nested HTML, other encodings, control
characters — beside one good notice. No example may raise: a file that cannot be loaded is a
one-line failure in ``BuildReport.failed`` naming it, and the good notice still loads.

Bounded: a fixed number of examples per strategy, derandomised (the same examples every run), and
a deadline per example generous enough for a loaded 2-core machine.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from _corpus import CORPUS, SUINING_2021
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.build import build
from policykg.graph.store import EmbeddedStore
from policykg.pipeline import load_plan

NOTICES = sorted(CORPUS.glob("*.txt"))
SUFFIXES = [".txt", ".md", ".html", ".htm"]
CONTROLS = [chr(c) for c in (*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030", "gbk", "big5",
             "shift_jis", "latin-1"]
EXCEPTION_NAME = re.compile(r"^[A-Z]\w*(Error|Exception)\b")
FUZZ = settings(max_examples=40, deadline=timedelta(seconds=60), derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PLAN = load_plan()  # built once: each example runs the default pipeline


def _notice_text(index: int) -> str:
    return NOTICES[index % len(NOTICES)].read_text(encoding="utf-8")


@st.composite
def mutated_notice(draw: st.DrawFn) -> bytes:
    """A real notice's bytes with bytes flipped, inserted, deleted, spliced or truncated."""
    data = bytearray(_notice_text(draw(st.integers(0, len(NOTICES) - 1))).encode("utf-8"))
    for _ in range(draw(st.integers(1, 12))):
        at = draw(st.integers(0, len(data)))
        match draw(st.sampled_from(["flip", "insert", "delete", "splice", "truncate"])):
            case "flip" if at < len(data):
                data[at] = draw(st.integers(0, 255))
            case "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=64))
            case "delete":
                del data[at : at + draw(st.integers(1, 400))]
            case "splice":
                start = draw(st.integers(0, len(data)))
                data[at:at] = data[start : start + draw(st.integers(1, 2000))]
            case "truncate":
                del data[at:]
    return bytes(data)


@st.composite
def controlled_notice(draw: st.DrawFn) -> bytes:
    """A real notice with NUL, ESC and other C0 characters put inside its lines, in some encoding."""
    text = list(_notice_text(draw(st.integers(0, len(NOTICES) - 1))))
    for _ in range(draw(st.integers(1, 30))):
        text.insert(draw(st.integers(0, len(text))), "".join(draw(st.lists(st.sampled_from(CONTROLS), min_size=1,
                                                                             max_size=4))))
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "gb18030"]))
    return "".join(text).encode(encoding, errors="replace")


@st.composite
def encoded_notice(draw: st.DrawFn) -> bytes:
    """A real notice (or a slice of it) in an encoding the reader may or may not know."""
    text = _notice_text(draw(st.integers(0, len(NOTICES) - 1)))
    start = draw(st.integers(0, len(text) - 1))
    text = text[start : start + draw(st.integers(1, len(text)))]
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


@st.composite
def nested_html(draw: st.DrawFn) -> bytes:
    """A portal page whose text sits under thousands of unclosed (or closed) inline and block tags."""
    depth = draw(st.integers(200, 6000))
    tags = draw(st.lists(st.sampled_from(["div", "span", "font", "p", "table", "td", "b", "li"]), min_size=1,
                         max_size=4))
    closed = draw(st.booleans())
    opening = "".join(f"<{tags[i % len(tags)]}>" for i in range(depth))
    closing = "".join(f"</{tags[i % len(tags)]}>" for i in reversed(range(depth))) if closed else ""
    body = _notice_text(draw(st.integers(0, len(NOTICES) - 1))).replace("\n", "<br>")
    return f"<html><body>{opening}{body}{closing}</body></html>".encode()


def _build_beside_a_good_notice(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "in")
        folder.mkdir()
        odd = folder / f"fuzzed{suffix}"
        odd.write_bytes(data)
        shutil.copy(SUINING_2021, folder / "good.txt")
        with EmbeddedStore(Path(tmp, "g.db")) as store:
            report = build([folder], store, max_bytes=2_000_000, plan=PLAN)
        assert any(name == "good.txt" for name, _, _ in report.loaded) or "good.txt" in report.unchanged, report
        for path, reason in report.failed:
            assert path == str(odd), (path, reason)
            assert "\n" not in reason and "Traceback" not in reason, reason
            assert not EXCEPTION_NAME.match(reason), f"an unexpected exception, reported as a failure: {reason}"


@pytest.mark.parametrize("strategy", [
    st.binary(min_size=0, max_size=4096),
    st.randoms(use_true_random=False).map(lambda r: r.randbytes(r.randint(16, 200_000))),
    mutated_notice(),
    controlled_notice(),
    encoded_notice(),
    nested_html(),
], ids=["random-bytes", "random-bytes-large", "mutated-notice", "control-characters", "encodings", "nested-html"])
def test_no_generated_file_raises_or_sinks_the_build(strategy: st.SearchStrategy[bytes]) -> None:
    @FUZZ
    @given(data=strategy, suffix=st.sampled_from(SUFFIXES))
    def run(data: bytes, suffix: str) -> None:
        _build_beside_a_good_notice(data, suffix)

    run()

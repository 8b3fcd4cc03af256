"""Time and memory to read each format, and a large PDF (a long notice printed many times over).

    .venv/bin/python benchmarks/bench_formats.py [--copies 30] [--ocr-pages 5]

Writes the fixtures of tests/fixtures/make_fixtures.py into a temporary folder, makes a large PDF by printing
one DOCX holding the Sichuan 2024 plan ``--copies`` times (LibreOffice), and reads each file in a fresh process
so its peak resident memory is its own. Prints one row per file: format, pages, seconds, peak memory.
Needs LibreOffice and (for the scan rows) Tesseract, like the tests.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fixtures import make_fixtures  # noqa: E402

# Reading alone (read_document, with the format's libraries imported first so their import is not counted),
# then the whole parse; peak resident memory of the process after each.
_MEASURE = """
import json, re, sys, time
from pathlib import Path
import pdfplumber, docx, trafilatura, yaml, pytesseract
from policykg.loaders.reader import read_document
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
peak = lambda: int(re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
before = peak()
started = time.perf_counter()
raw = read_document(Path(sys.argv[1]), max_bytes=10**9)
read_s, read_peak = time.perf_counter() - started, peak()
from policykg.loaders.pipeline import parse_file
started = time.perf_counter()
parsed = parse_file(Path(sys.argv[1]), max_bytes=10**9)
print(json.dumps({"pages": len(raw.pages), "chars": len(raw.text), "read_s": read_s, "imports_mb": before,
                  "read_mb": read_peak - before, "parse_s": time.perf_counter() - started, "peak_mb": peak()}))
"""


def measure(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def large_pdf(folder: Path, copies: int) -> Path:
    doc = make_fixtures.new_document()
    lines = make_fixtures.notice_lines(make_fixtures.CORPUS / make_fixtures.NOTICES["002"].txt)
    for _ in range(copies):
        for line in lines:
            make_fixtures.add_line(doc, line)
    path = folder / f"plan-x{copies}.docx"
    doc.save(path)
    return make_fixtures.soffice_convert([path], "pdf", folder)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=30, help="times the plan is printed into the large PDF")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        made = make_fixtures.write_all(folder)
        rows = [made[name] for name in ("002.html", "002.docx", "002.pdf", "004.doc",
                                        "002-scan.pdf") if name in made]
        rows.insert(0, make_fixtures.CORPUS / make_fixtures.NOTICES["002"].txt)
        rows.append(large_pdf(folder, args.copies))
        print("| file | pages | characters | read | memory the reading adds | whole parse | peak of the process |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for path in rows:
            m = measure(path)
            pages = m["pages"] or "—"
            print(f"| {path.name} | {pages} | {m['chars']:,} | {m['read_s']:.2f} s | {m['read_mb']:.0f} MB "
                  f"| {m['parse_s']:.2f} s | {m['peak_mb']:.0f} MB |")


if __name__ == "__main__":
    main()

"""Memory and time to load one large notice: the sample notice repeated to N MB, built alone.

    .venv/bin/python benchmarks/memory_per_file.py [--sizes 1 5 20 60] [--notice examples/corpus/004_….txt]

Each size runs ``policykg build FILE --store NEW --jobs 1`` in its own process; the figures are that
process's peak resident memory (``ru_maxrss`` from ``wait4``) and its wall time, with the build's
own phases. The first row is the same notice once, for the fixed cost of the interpreter, the
libraries and the lexicons; "per MB" is the peak above that, divided by the file's size.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTICE = ROOT / "examples" / "corpus" / "004_cad12c1d8455800e.txt"  # 遂宁市 2021年医政药政工作要点, 26 items


def notice_of_size(source: Path, megabytes: float, folder: Path) -> Path:
    text = source.read_text(encoding="utf-8")
    copies = max(1, round(megabytes * 1e6 / len(text.encode("utf-8"))))
    path = folder / f"notice-{megabytes:g}MB.txt"
    path.write_text(text * copies, encoding="utf-8")
    return path


def build_once(path: Path, folder: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes, and the build's ``time:`` line."""
    store = folder / f"{path.stem}.db"
    command = [sys.executable, "-m", "policykg", "build", str(path), "--store", str(store), "--jobs", "1",
               "--max-mb", "1000"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    output = process.stdout.read() if process.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{path}: build failed\n{output}")
    phases = re.search(r"^time: .*$", output, re.MULTILINE)
    return seconds, usage.ru_maxrss * 1024, phases.group(0) if phases else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 5, 20, 60], help="file sizes in MB")
    parser.add_argument("--notice", type=Path, default=NOTICE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base_seconds, base_rss, _ = build_once(notice_of_size(args.notice, 0, folder), folder)
        print("| file | size | peak RSS | above the one-notice build | per MB of file | wall time |")
        print("|---|---:|---:|---:|---:|---:|")
        print(f"| the notice once | {args.notice.stat().st_size / 1e6:.2f} MB | {base_rss / 1e6:.0f} MB | — | — "
              f"| {base_seconds:.1f} s |")
        for megabytes in args.sizes:
            path = notice_of_size(args.notice, megabytes, folder)
            size = path.stat().st_size
            seconds, rss, phases = build_once(path, folder)
            above = rss - base_rss
            print(f"| repeated | {size / 1e6:.1f} MB | {rss / 1e6:.0f} MB | {above / 1e6:.0f} MB | "
                  f"{above / size:.1f} × | {seconds:.1f} s |", flush=True)
            print(f"<!-- {phases} -->", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()

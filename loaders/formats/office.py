"""Word processor files python-docx cannot open (.doc, .wps, .rtf, .odt, …), converted to .docx by LibreOffice.

``soffice --headless --convert-to docx`` runs with a private, throw-away profile: LibreOffice refuses to start
twice on one profile, and a build's worker processes convert in parallel. The converted file is then read as
any .docx; the note says it was converted. Without LibreOffice the file is refused in one line that names the
Debian package to install.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from .base import LoadError, Reading
from .docx import read_docx
from .tools import LIBREOFFICE, require

CONVERT_TIMEOUT_S = 180


def read_office(path: Path, data: bytes) -> Reading:
    kind = path.suffix.lower().lstrip(".")
    soffice = require(LIBREOFFICE, path, f"a .{kind} file (a format only a word processor reads)")
    with tempfile.TemporaryDirectory(prefix="policykg-lo-") as work:
        folder = Path(work)
        source = folder / f"source.{kind}"  # a plain name: LibreOffice's command line dislikes some file names
        source.write_bytes(data)
        command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "docx", "--outdir", str(folder / "out"), str(source)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            raise LoadError(path, f"LibreOffice did not convert it within {CONVERT_TIMEOUT_S} s") from exc
        converted = folder / "out" / "source.docx"
        if done.returncode != 0 or not converted.exists():
            said = (done.stderr or done.stdout).strip().splitlines()
            raise LoadError(path, f"LibreOffice could not convert it to .docx ({said[-1] if said else 'no output'})")
        reading = read_docx(path, converted.read_bytes())
    reading.notes.append(f"converted from .{kind} to .docx by LibreOffice")
    return reading

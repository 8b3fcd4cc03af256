"""OFD (GB/T 33190, the national format for e-government documents): refused in one clear line.

The one Python library that reads OFD, easyofd, renders through PyMuPDF, which is AGPL-licensed; policykg does
not take that dependency, and no other maintained reader exists (checked for this release). OFD readers
(数科OFD阅读器, 福昕OFD版式办公套件, the portals' own) print or export to PDF, which policykg reads.
"""

from __future__ import annotations

from pathlib import Path

from .base import LoadError, Reading


def read_ofd(path: Path, data: bytes) -> Reading:
    raise LoadError(path, "OFD (GB/T 33190) is not supported: no maintained, non-AGPL Python library reads it; "
                          "export it to PDF with an OFD reader (数科OFD阅读器, 福昕OFD版式办公套件) and load the PDF")

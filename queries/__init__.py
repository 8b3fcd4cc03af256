"""The questions, as plain functions over the ``GraphStore`` read interface.

Every function takes the store first, returns one of the answer models of ``answers`` (the
HTTP API's response models; ``model_dump_json()`` is the answer's JSON), and raises ``NotFound``
for a name or id that resolves to nothing. Lists accept ``limit``/``offset`` so the HTTP API and
the CLI page through exactly what the function answers.
"""

from . import answers
from .cascade import cascade
from .common import Ambiguous, NotFound, QueryError
from .compare import compare
from .detail import document, documents, provision
from .entity import entity
from .index import QueryIndex, index_for
from .lineage import lineage
from .matrix import coverage_matrix
from .obligations import obligations
from .reader import document_text
from .resolve import resolve_document, resolve_provision
from .search import search
from .suggest import resolve_region
from .timeline import timeline

__all__ = [
    "Ambiguous",
    "NotFound",
    "QueryError",
    "QueryIndex",
    "answers",
    "cascade",
    "compare",
    "coverage_matrix",
    "document",
    "document_text",
    "documents",
    "entity",
    "index_for",
    "lineage",
    "obligations",
    "provision",
    "resolve_document",
    "resolve_provision",
    "resolve_region",
    "search",
    "timeline",
]

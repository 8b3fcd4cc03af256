"""Offline bulk formats for Neo4j: CSVs for ``neo4j-admin database import`` and a ``.cypherl`` script.

Both carry the same properties ``push`` writes (``cypher.encode``), so a database filled either
way reads back through ``CypherStore`` exactly like a pushed one.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shlex
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .cypher import (
    NODE_LABEL,
    SOURCE_LABEL,
    _source_texts,
    edge_type,
    encode,
    merge_edges,
    merge_nodes,
    merge_sources,
    node_label,
)
from .store import GraphStore, chunks

ARRAY_DELIMITER = ";"
BULK_STAMP = 0  # older than any push, so a later ``policykg push`` replaces what these files loaded
_LAYOUT = ("_keys", "_json")  # key lists, as JSON strings
_SCALAR_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


# --- neo4j-admin CSV --------------------------------------------------------------------------


def export_neo4j_csv(store: GraphStore, folder: Path) -> None:
    """A folder of node and relationship CSVs (one per kind) and ``import.sh`` with the command."""

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    node_files, rel_files = [], []
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in store.nodes():
        by_label[node_label(record["kind"])].append(encode(record, BULK_STAMP))
    for label, rows in sorted(by_label.items()):
        name = f"nodes_{label}.csv"
        _write_csv(folder / name, [f"id:ID({NODE_LABEL})", ":LABEL"], rows, lambda r, lb=label: [
            r["id"], f"{NODE_LABEL}{ARRAY_DELIMITER}{lb}"])
        node_files.append(name)
    sources = [{"id": s["id"], **encode(s, BULK_STAMP)} for s in _source_texts(store)]
    if sources:
        _write_csv(folder / "sources.csv", [f"id:ID({SOURCE_LABEL})", ":LABEL"], sources,
                   lambda r: [r["id"], SOURCE_LABEL])
        node_files.append("sources.csv")
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in store.edges():
        by_type[edge_type(record["kind"])].append(encode(record, BULK_STAMP))
    for rel, rows in sorted(by_type.items()):
        name = f"relationships_{rel}.csv"
        _write_csv(folder / name, [f":START_ID({NODE_LABEL})", f":END_ID({NODE_LABEL})", ":TYPE"], rows,
                   lambda r, t=rel: [r["source"], r["target"], t])
        rel_files.append(name)
    command = ["neo4j-admin", "database", "import", "full", "--multiline-fields=true",
               f"--array-delimiter={ARRAY_DELIMITER}", *(f"--nodes={n}" for n in node_files),
               *(f"--relationships={r}" for r in rel_files), "${1:-neo4j}"]
    script = "#!/bin/sh\n# Run in this folder with the database stopped; the argument names the database.\n"
    script += "cd \"$(dirname \"$0\")\" && " + " ".join(shlex.quote(c) for c in command[:-1]) + " " + command[-1] + "\n"
    write_atomic(folder / "import.sh", lambda fh: fh.write(script))
    (folder / "import.sh").chmod(0o755)


def _write_csv(path: Path, fixed: list[str], rows: list[dict[str, Any]], fixed_values) -> None:
    """One typed column per property; a column neo4j-admin cannot type losslessly holds JSON (named in ``_json``)."""

    skip = {"id"} if fixed[0].startswith("id:") else set()
    columns = sorted({k for r in rows for k in r} - skip)
    types = {c: "string" if c in _LAYOUT else _column_type([r[c] for r in rows if c in r]) for c in columns}
    for row in rows:
        already = set(json.loads(row.get("_json", "[]")))
        as_json = [c for c in columns if types[c] is None and c in row and c not in already and c not in _LAYOUT]
        if as_json:
            row["_json"] = json.dumps(sorted(already | set(as_json)))
            for c in as_json:
                row[c] = json.dumps(row[c], ensure_ascii=False)
    header = fixed + [f"{c}:{types[c] or 'string'}" for c in columns]

    def write(handle) -> None:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(fixed_values(row) + [_cell(row.get(c)) for c in columns])

    write_atomic(path, write)


def _column_type(values: list[Any]) -> str | None:
    """The neo4j-admin type that reads every value back as it is, or None (store the column as JSON)."""
    if all(isinstance(v, list) for v in values):
        items = [x for v in values for x in v]
        if any(not v for v in values) or any(isinstance(x, str) and (ARRAY_DELIMITER in x or not x) for x in items):
            return None  # an empty array or an element holding the delimiter would not survive the split
        kind = _scalar_type(items)
        return f"{kind}[]" if kind else None
    if any(isinstance(v, list) for v in values) or any(v == "" for v in values):
        return None  # an empty cell imports as no property, not as an empty string
    return _scalar_type(values)


def _scalar_type(values: list[Any]) -> str | None:
    kinds = {type(v) for v in values}
    if kinds == {int, float}:
        return "double"
    return _SCALAR_TYPES.get(kinds.pop()) if len(kinds) == 1 else None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(_cell(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


# --- .cypherl script --------------------------------------------------------------------------


def export_cypher(store: GraphStore, path: Path, batch_size: int = 100) -> None:
    """One statement per line (``cypher-shell -f``, Memgraph's ``.cypherl``): constraints, then batched MERGEs."""

    write_atomic(path, lambda fh: fh.writelines(line + "\n" for line in cypher_script(store, batch_size)))


def cypher_script(store: GraphStore, batch_size: int = 100) -> Iterator[str]:
    """Statements with the stored values written as escaped Cypher literals (a script has no parameters)."""
    for label in (NODE_LABEL, SOURCE_LABEL):
        yield f"CREATE CONSTRAINT policykg_{label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE;"
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in store.nodes():
        by_label[node_label(record["kind"])].append({"id": record["id"], "props": encode(record, BULK_STAMP)})
    for label, rows in sorted(by_label.items()):
        for batch in chunks(rows, batch_size):
            yield merge_nodes(label, rows=literal(batch)) + ";"
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in store.edges():
        row = {"id": record["id"], "source": record["source"], "target": record["target"]}
        by_type[edge_type(record["kind"])].append({**row, "props": encode(record, BULK_STAMP)})
    for rel, rows in sorted(by_type.items()):
        for batch in chunks(rows, batch_size):
            yield merge_edges(rel, rows=literal(batch)) + ";"
    for source in _source_texts(store):
        yield merge_sources(rows=literal([{"id": source["id"], "props": encode(source, BULK_STAMP)}])) + ";"


_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r"[\\'\x00-\x1f\x7f\u2028\u2029]")


def literal(value: Any) -> str:
    """A value as a Cypher literal; strings are quoted and escaped so none can end the literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no Cypher literal")
        return repr(value)
    if isinstance(value, str):
        return "'" + _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), value) + "'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{str(k).replace('`', '``')}`: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"{type(value).__name__} has no Cypher literal")

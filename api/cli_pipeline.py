"""``policykg pipeline``: which components a build runs, in order, and what each reads and draws."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from policykg.api.cli import app, fail, out
from policykg.graph.components import PipelineError
from policykg.pipeline import DEFAULT_CONFIG, available, load_plan


@app.command()
def pipeline(
    config: Annotated[Path, typer.Option("--config", help="Pipeline file (components by stage, in order).")]
    = DEFAULT_CONFIG,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List the build's components in run order with the kinds each requires and assigns."""
    try:
        plan = load_plan(config)
    except PipelineError as exc:
        fail(str(exc))
    rows = [{"stage": c.stage, "name": c.name, "requires": list(c.requires), "assigns": list(c.assigns),
             "summary": c.summary} for c in (*plan.extractors, *plan.linkers)]
    unused = sorted(f"{stage}:{name}" for stage, found in available().items() for name in found
                    if name not in {r["name"] for r in rows if r["stage"] == stage})
    if as_json:
        print(json.dumps({"config": str(config), "components": rows, "drawn_by": plan.drawn_by(),
                          "registered_but_unused": unused}, ensure_ascii=False, indent=1))
        return
    table = Table("stage", "component", "requires", "assigns", title=str(config))
    for row in rows:
        table.add_row(row["stage"], row["name"], ", ".join(row["requires"]) or "-", ", ".join(row["assigns"]))
    out.print(table)
    kinds = Table("kind", "drawn by", title="which component draws which kind")
    for kind, names in sorted(plan.drawn_by().items()):
        kinds.add_row(kind, ", ".join(names))
    out.print(kinds)
    if unused:
        out.print("registered but not in this pipeline: " + ", ".join(unused), highlight=False)

"""The build's pipeline: the extractors and linkers named in ``pipeline.toml``, in order, checked.

Built-in components register themselves when their modules are imported (``BUILTIN_MODULES``);
other packages add components through the ``policykg.components`` entry-point group, whose modules
register theirs the same way, and name them in a pipeline file of their own.
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Sequence
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

from policykg.graph.components import Component, PipelineError, Plan, as_component, registered

DEFAULT_CONFIG = Path(__file__).with_name("pipeline.toml")
BUILTIN_MODULES = (
    "policykg.loaders.structure", "policykg.loaders.jurisdiction", "policykg.loaders.agencies",
    "policykg.loaders.responsibility", "policykg.loaders.taxonomy", "policykg.loaders.targets",
    "policykg.loaders.citations", "policykg.graph.citelink", "policykg.graph.lineage",
)
ENTRY_POINT_GROUP = "policykg.components"


@cache
def register_components() -> None:
    """Import every module that registers components: the built-in ones and the installed plugins'."""
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        entry.load()


def load_plan(config: Path | None = None, *, extractors: Sequence[str | Component] | None = None,
              linkers: Sequence[str | Component] | None = None) -> Plan:
    """The checked plan of ``config`` (default ``policykg/pipeline.toml``); ``extractors``/``linkers``
    given here replace the file's lists."""
    register_components()
    names = _read(config or DEFAULT_CONFIG)
    chosen_extractors = names["extract"] if extractors is None else extractors
    chosen_linkers = names["link"] if linkers is None else linkers
    return Plan([as_component(e, "extract") for e in chosen_extractors],
                [as_component(link, "link") for link in chosen_linkers])


def _read(path: Path) -> dict[str, list[str]]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PipelineError(f"{path}: cannot read the pipeline ({exc})") from exc
    out: dict[str, list[str]] = {}
    for stage in ("extract", "link"):
        components = data.get(stage, {}).get("components")
        if not isinstance(components, list) or not all(isinstance(c, str) for c in components):
            raise PipelineError(f"{path}: [{stage}] components must be a list of component names")
        out[stage] = components
    return out


def available() -> dict[str, dict[str, Component]]:
    """Every registered component by stage, whether a pipeline uses it or not."""
    register_components()
    return {stage: registered(stage) for stage in ("extract", "link")}

"""Pipeline components that say what they read and what they draw.

An *extractor* turns one parsed document into nodes and edges of its fragment; a *linker* draws the
edges between documents once the fragments are stored. Both register under a name with the kinds
they **require** (node and edge kinds, or ``Kind.attribute`` for one attribute, that an earlier
component must have drawn) and the kinds they **assign**; a pipeline checks the order when it is made,
so a missing prerequisite is an error naming both components, not a ``StopIteration`` deep in a run
(after spaCy's ``@Language.component(requires=…, assigns=…)`` and neo4j-graphrag's typed components).

``initialize`` builds the tables a component would otherwise build on first use (lexicons, the
gazetteer, caches): a build calls it once, before forking workers, which then share the warm tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import EdgeKind, NodeKind

STAGES = ("extract", "link")
_KINDS = frozenset(NodeKind) | frozenset(EdgeKind)


class PipelineError(ValueError):
    """A pipeline that cannot run as configured; the message names the component and what it lacks."""


@dataclass(frozen=True)
class Component:
    name: str
    stage: str  # extract | link
    run: Callable[..., Any]
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    initialize: Callable[[], Any] | None = None
    summary: str = ""

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise PipelineError(f"component {self.name!r}: stage must be one of {', '.join(STAGES)}")
        for kind in (*self.requires, *self.assigns):
            if kind.split(".", 1)[0] not in _KINDS:
                raise PipelineError(f"component {self.name!r}: {kind!r} is not a node or edge kind of graph/model.py")


_REGISTRY: dict[tuple[str, str], Component] = {}


def component(name: str, stage: str, *, requires: Iterable[str] = (), assigns: Iterable[str] = (),
              initialize: Callable[[], Any] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the component ``name`` of ``stage``; it stays callable as it was."""

    def register(run: Callable[..., Any]) -> Callable[..., Any]:
        summary = (run.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        made = Component(name, stage, run, tuple(requires), tuple(assigns), initialize, summary)
        _REGISTRY[(stage, name)] = made
        run.component = made  # type: ignore[attr-defined]
        return run

    return register


def registered(stage: str) -> dict[str, Component]:
    return {name: c for (s, name), c in _REGISTRY.items() if s == stage}


def lookup(stage: str, name: str) -> Component:
    found = _REGISTRY.get((stage, name))
    if found is None:
        known = ", ".join(sorted(registered(stage))) or "none"
        raise PipelineError(f"no {stage} component named {name!r} (registered: {known})")
    return found


def as_component(item: str | Callable[..., Any] | Component, stage: str) -> Component:
    """A component from its name, its registered function, or a plain function (which declares nothing)."""
    if isinstance(item, Component):
        return item
    if isinstance(item, str):
        return lookup(stage, item)
    declared = getattr(item, "component", None)
    if isinstance(declared, Component):
        return declared
    name = getattr(item, "__name__", None) or getattr(getattr(item, "func", None), "__name__", "component")
    return Component(name, stage, item)


@dataclass
class Plan:
    """Components in run order, checked: every requirement is assigned by an earlier component."""

    extractors: list[Component]
    linkers: list[Component] = field(default_factory=list)

    def __post_init__(self) -> None:
        drawn: dict[str, str] = {}
        for made in (*self.extractors, *self.linkers):
            for need in made.requires:
                if need not in drawn:
                    raise PipelineError(_missing(made, need, self.extractors + self.linkers))
            for kind in made.assigns:
                drawn.setdefault(kind, made.name)

    def initialize(self) -> None:
        for made in (*self.extractors, *self.linkers):
            if made.initialize is not None:
                made.initialize()

    def drawn_by(self) -> dict[str, list[str]]:
        """Kind → the components that draw it, in run order."""
        out: dict[str, list[str]] = {}
        for made in (*self.extractors, *self.linkers):
            for kind in made.assigns:
                out.setdefault(kind, []).append(made.name)
        return out


def _missing(made: Component, need: str, every: Sequence[Component]) -> str:
    providers = sorted({c.name for c in (*every, *_REGISTRY.values()) if need in c.assigns})
    hint = f"; put {' or '.join(repr(p) for p in providers)} before it" if providers else ""
    return f"component {made.name!r} requires {need}, which no earlier component assigns{hint}"

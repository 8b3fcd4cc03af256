"""How wording changed between two linked provisions: targets raised or lowered, agencies added."""

from __future__ import annotations

from policykg.graph.model import EdgeKind

from .answers import AgencyChanges, Change, ResponsibleAgency, Role, TargetChange, TargetRef
from .common import key, responsible_agency, target_ref
from .index import QueryIndex

ROLE_KINDS = (EdgeKind.LEADS, EdgeKind.SUPPORTS)
_MATCH = 0.5  # bigram overlap above which two targets measure the same thing


def targets_of(idx: QueryIndex, pid: str) -> list[TargetRef]:
    ids = sorted(e["target"] for e in idx.store.out_edges(pid, [EdgeKind.SETS_TARGET]))
    return [target_ref(idx, t) for t in ids if idx.node(t)]


def target_changes(old: list[TargetRef], new: list[TargetRef]) -> list[TargetChange]:
    """Pair each new target with the old one measuring the same thing; say how its value moved."""
    pairs: list[tuple[float, int, int]] = []
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            similarity = _similarity(a, b)
            if similarity >= _MATCH:
                pairs.append((similarity, i, j))
    used_old: set[int] = set()
    used_new: set[int] = set()
    changes = []
    for _, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        changes.append(TargetChange(change=_direction(old[i], new[j]), before=old[i], after=new[j]))
    changes += [TargetChange(change="dropped", before=t, after=None) for i, t in enumerate(old) if i not in used_old]
    changes += [TargetChange(change="added", before=None, after=t) for j, t in enumerate(new) if j not in used_new]
    return changes


def _what(target: TargetRef) -> str:
    return key(" ".join(v or "" for v in (target.measure, target.subject)) or target.words or "")


def _similarity(a: TargetRef, b: TargetRef) -> float:
    if a.unit and b.unit and a.unit != b.unit:
        return 0.0
    x, y = _bigrams(_what(a)), _bigrams(_what(b))
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _direction(before: TargetRef, after: TargetRef) -> Change:
    a, b = before.value, after.value
    if a is None or b is None or a == b:
        return "same" if a == b else "changed"
    return "raised" if b > a else "lowered"


# --- agencies ---------------------------------------------------------------------------------


def agencies_of(idx: QueryIndex, pid: str) -> dict[str, Role]:
    """Agency id → role (lead wins over support) for one provision."""
    roles: dict[str, Role] = {}
    for edge in idx.store.in_edges(pid, ROLE_KINDS):
        role: Role = "lead" if edge["kind"] == EdgeKind.LEADS else "support"
        if roles.get(edge["source"]) != "lead":
            roles[edge["source"]] = role
    return roles


def office(idx: QueryIndex, agency_id: str) -> str:
    """The agency's office without its place: 遂宁市卫生健康委员会 and 四川省卫生健康委员会 are both
    卫生健康委员会, so a city's copy of a provincial task does not count the office as new."""
    node = idx.node(agency_id) or {}
    name = key(node.get("name") or agency_id)
    for region in idx.ancestors(node.get("region")):
        for form in (region, region[:-1] if len(region) > 2 else region):
            if name.startswith(form) and len(name) > len(form):
                return name[len(form) :]
    return name


def agency_changes(idx: QueryIndex, upper: str, lower: str) -> AgencyChanges:
    above, below = agencies_of(idx, upper), agencies_of(idx, lower)
    return AgencyChanges(added=_missing_from(idx, below, above), dropped=_missing_from(idx, above, below))


def _missing_from(idx: QueryIndex, these: dict[str, Role], others: dict[str, Role]) -> list[ResponsibleAgency]:
    offices = {office(idx, a) for a in others}
    return [responsible_agency(idx, a, r) for a, r in sorted(these.items()) if office(idx, a) not in offices]

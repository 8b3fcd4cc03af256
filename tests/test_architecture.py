"""The layers import one way (pyproject.toml ``[tool.policykg.layers]``), and the checker catches a reverse import."""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str
    why: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported} ({self.why})"


def package_dirs(root: Path) -> dict[str, Path]:
    """Import name → folder, from the setuptools package-dir mapping (policykg.graph lives in graph/)."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return {name: root / folder for name, folder in config["tool"]["setuptools"]["package-dir"].items()}


def layer_order(root: Path) -> list[list[str]]:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["policykg"]["layers"]["order"]


def modules(root: Path) -> dict[str, Path]:
    """Every module of the project by its import name, subpackages (``loaders/formats``) included."""
    found: dict[str, Path] = {}
    for package, folder in package_dirs(root).items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


def imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved, wherever they stand."""
    package = module if path.stem == "__init__" else module.rsplit(".", 1)[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            out += [(node.lineno, f"{base}.{alias.name}" if not node.module or node.level else base)
                    for alias in node.names]
    return out


def layer_of(name: str, order: list[list[str]]) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for rank, line in enumerate(order):
        for package in line:
            if (name == package or name.startswith(package + ".")) and (best is None or len(package) > len(best[1])):
                best = (rank, package)
    return best


def violations(root: Path) -> list[Violation]:
    order = layer_order(root)
    found: list[Violation] = []
    for module, path in sorted(modules(root).items()):
        mine = layer_of(module, order)
        if mine is None:
            continue
        for line, imported in imports(module, path):
            theirs = layer_of(imported, order)
            if theirs is None or theirs[1] == mine[1]:
                continue
            if theirs[0] < mine[0]:
                found.append(Violation(module, line, imported, f"{theirs[1]} is a higher layer than {mine[1]}"))
            elif theirs[0] == mine[0]:
                found.append(Violation(module, line, imported, f"{theirs[1]} and {mine[1]} are independent layers"))
    return found


def test_every_import_goes_down_the_layers() -> None:
    assert [str(v) for v in violations(ROOT)] == []


def test_every_module_belongs_to_a_layer() -> None:
    order = layer_order(ROOT)
    unplaced = [m for m in modules(ROOT) if m != "policykg" and layer_of(m, order) is None]
    assert unplaced == []


def test_a_reverse_import_is_caught(tmp_path: Path) -> None:
    """The checker on a copy of the layout with graph/ importing the loaders and queries/ importing the loaders."""
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    for folder in {p.name for p in package_dirs(ROOT).values()}:
        (tmp_path / folder).mkdir()
    (tmp_path / "graph" / "store.py").write_text("from policykg.loaders.segment import segment\n", encoding="utf-8")
    (tmp_path / "queries" / "search.py").write_text(
        "def find():\n    from policykg.loaders import agencies\n", encoding="utf-8")
    (tmp_path / "loaders" / "pipeline.py").write_text("from ..graph import model\n", encoding="utf-8")
    assert [str(v) for v in violations(tmp_path)] == [
        "policykg.graph.store:1 imports policykg.loaders.segment (policykg.loaders is a higher layer than policykg.graph)",
        "policykg.queries.search:2 imports policykg.loaders "
        "(policykg.loaders and policykg.queries are independent layers)",
    ]

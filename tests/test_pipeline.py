"""The pipeline's components declare what they read and draw; the order is checked before anything runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _corpus import SUINING_2021

from policykg.build import build
from policykg.graph.components import PipelineError, component
from policykg.graph.store import EmbeddedStore
from policykg.loaders.pipeline import build_fragment, parse_file
from policykg.loaders.responsibility import responsibility_extractor
from policykg.pipeline import DEFAULT_CONFIG, load_plan, register_components


def test_an_extractor_without_its_prerequisite_is_refused_by_name() -> None:
    register_components()  # as every build does: the hint names the registered component that would help
    parsed = parse_file(SUINING_2021)
    with pytest.raises(PipelineError) as caught:
        build_fragment(parsed, [responsibility_extractor])
    assert str(caught.value) == ("component 'responsibility' requires Provision, which no earlier component "
                                 "assigns; put 'structure' before it")


def test_a_pipeline_file_with_the_structure_left_out_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "pipeline.toml"
    config.write_text('[extract]\ncomponents = ["jurisdiction", "structure"]\n[link]\ncomponents = []\n',
                      encoding="utf-8")
    with pytest.raises(PipelineError, match="'jurisdiction' requires Document"):
        load_plan(config)


def test_an_unknown_component_name_lists_the_registered_ones(tmp_path: Path) -> None:
    config = tmp_path / "pipeline.toml"
    config.write_text('[extract]\ncomponents = ["structure", "tables"]\n[link]\ncomponents = []\n', encoding="utf-8")
    with pytest.raises(PipelineError, match=r"no extract component named 'tables' \(registered: citations, "):
        load_plan(config)


def test_a_component_must_declare_kinds_the_model_knows() -> None:
    with pytest.raises(PipelineError, match="'Directive' is not a node or edge kind"):
        component("bad", "extract", assigns=["Directive"])(lambda parsed, fragment: None)


@component("toy-length", "extract", requires=["Provision"], assigns=["Provision.length"])
def toy_length(parsed, fragment) -> None:
    """Each provision's length in characters (a toy: registration alone makes it usable by name)."""
    for node in fragment.nodes:
        if node.kind == "Provision":
            node.attrs["length"] = len(node.attrs["text"])


def test_a_registered_extractor_runs_when_a_pipeline_file_names_it(tmp_path: Path) -> None:
    config = tmp_path / "pipeline.toml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8").replace('"citations"]', '"citations", "toy-length"]', 1),
                      encoding="utf-8")
    plan = load_plan(config)
    assert [c.name for c in plan.extractors][-1] == "toy-length"
    with EmbeddedStore(tmp_path / "g.db") as store:
        assert build([SUINING_2021], store, plan=plan).ok
        # item 1 of the Suining 2021 work points, read off the document: 1.提高新冠肺炎救治能力。…医疗救治。
        item = next(n for n in store.nodes("Provision") if n["number"] == 1)
        assert item["text"].startswith("提高新冠肺炎救治能力。") and item["text"].endswith("医疗救治。")
        assert item["length"] == len(item["text"])


def test_the_default_pipeline_draws_each_kind_from_a_named_component() -> None:
    drawn = load_plan().drawn_by()
    assert drawn["LEADS"] == ["responsibility"]
    assert drawn["Provision"] == ["structure"]
    assert drawn["CONTINUES"] == ["lineage"]
    assert drawn["DERIVES_FROM"] == ["citations", "lineage"]


def test_the_pipeline_command_prints_the_components_in_order() -> None:
    run = subprocess.run([sys.executable, "-m", "policykg", "pipeline", "--json"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)["components"]
    assert [(r["stage"], r["name"]) for r in rows] == [
        ("extract", "structure"), ("extract", "jurisdiction"), ("extract", "issuer"), ("extract", "responsibility"),
        ("extract", "taxonomy"), ("extract", "targets"), ("extract", "citations"), ("link", "citations"),
        ("link", "lineage")]
    assert next(r for r in rows if r["name"] == "targets")["assigns"] == ["Target", "SETS_TARGET"]

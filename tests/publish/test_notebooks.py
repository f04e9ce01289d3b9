"""The report notebooks' parameters are honest: their defaults are those of pma_eval.config and
of the command line, with their real types (a year that may be None, a list of scenarios)."""

from __future__ import annotations

import ast
import json

import papermill
import pytest

from pma_eval import config

from ..conftest import REPO

REPORTS = REPO / "notebooks" / "reports"


def _defaults(name: str) -> dict:
    params = papermill.inspect_notebook(str(REPORTS / name))
    return {k: (ast.literal_eval(p["default"]), p["inferred_type_name"]) for k, p in params.items()}


def test_scenario_notebook_defaults_are_the_configuration():
    d = _defaults("prospective_scenarios.ipynb")
    assert d["scenarios"] == (list(config.default_scenarios(config.get_paths(REPO))), "list[str]")
    assert d["horizon"] == (config.DEFAULT_HORIZON, "int")
    assert d["tirages"] == (config.DEFAULT_DRAWS, "int")
    assert d["graine"] == (config.DEFAULT_SEED, "int")
    assert d["year"] == (None, "Optional[int]")  # the latest year with energy and emissions
    assert d["territoire"] == ("PMA", "str")


@pytest.mark.parametrize("name", ["annual_evaluation.ipynb", "fiche_commune.ipynb"])
def test_year_defaults_to_the_latest_year_of_the_data(name):
    assert _defaults(name)["year"] == (None, "Optional[int]")


def test_command_line_defaults_are_the_configuration():
    from pma_eval.cli import build_parser

    args = build_parser().parse_args(["report", "scenarios"])
    assert (args.horizon, args.tirages, args.graine) == (config.DEFAULT_HORIZON, config.DEFAULT_DRAWS,
                                                         config.DEFAULT_SEED)
    # no list given: the territory's own set, resolved once the territory is known (issue 27)
    assert args.scenarios is None and config.default_scenarios(config.get_paths(REPO)) == ("tendanciel", "turbine", "snbc")


@pytest.mark.parametrize("path", sorted((REPO / "notebooks" / "exploratory").glob("*.ipynb")), ids=lambda p: p.name)
def test_exploratory_notebooks_are_stored_with_their_outputs(path):
    """They read as documentation on the forge: every code cell ran (``make carnets`` refreshes them)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", [])]
    assert code and all(c.get("execution_count") for c in code), path.name
    assert any(c.get("outputs") for c in code)

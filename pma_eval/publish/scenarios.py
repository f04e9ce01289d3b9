"""The scenario report: checked scenario files, then the notebook, into ``reports/<year>/prospective/<territoire>``."""

from __future__ import annotations

from .exports import scenario_names


def scenario_report(year: int | None, territoire: str, scenarios: str, horizon: int, draws: int, seed: int,
                    paths, extra: dict | None = None):
    """Run the scenario report into ``reports/<year>/prospective/<territoire>`` (shared with ``run``)."""
    from ..processed import load_territory
    from ..report.foresight import select_scenarios, start_year
    from .report import run_report

    from ..processed import checked_year

    from ..config import default_scenarios

    # no list given: the territory's own set (trend, its strategy if it has one, SNBC), never the Pôle's Turbine
    names = scenario_names(scenarios) if scenarios else list(default_scenarios(paths))
    select_scenarios(names, paths)  # exit 2 before any run
    year = checked_year(year, paths) if year else start_year(paths)
    territory = load_territory(paths)
    level, code = territory.resolve(territoire)
    name = territory.name(level, code)
    params = {"year": int(year), "territoire": territoire.upper(), "scenarios": names, "horizon": int(horizon),
              "tirages": int(draws), "graine": int(seed), **(extra or {})}
    return run_report("scenarios", params, f"Scénarios et trajectoires {year}–{horizon} — {name}", paths,
                      out_dir=paths.reports / str(year) / "prospective" / territoire.upper())

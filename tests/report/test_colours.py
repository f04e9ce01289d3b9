"""One colour, one meaning (issue 23, deliverable 7): the house colours of vocabulary.yml, and the charts of
the annual and scenario reports drawn from the shipped data, read back from their matplotlib artists.

- every colour a chart draws is declared (a sector, technology, source, pollutant, scenario, territory,
  organisation type or mark), and no colour is declared for two concepts of one document;
- a sector, technology, scenario or territory has its declared colour in every chart it appears in;
- every highlighted artist (an observed year among demonstration ones, the report's own territory) has
  a legend entry.
"""

from __future__ import annotations

import re

import pytest
from matplotlib.colors import to_hex, to_rgba

from pma_eval import vocabulary as v

#: The families of house colours, by document: the annual report draws the first ones, the scenario
#: report the scenarios, trajectories and marks (the observed history is black, as the energy branch).
FAMILIES = {
    "sector": v.SECTOR_COLORS, "technology": v.TECHNOLOGY_COLORS, "source": v.HEAT_GAS_COLORS,
    "pollutant": v.POLLUTANT_COLORS, "territory": v.TERRITORY_COLORS,
    "organisation": {str(k): c for k, c in enumerate(v.ORGANISATION_COLORS)},
    "scenario": {**v.SCENARIO_COLORS, **{f"autre_{k}": c for k, c in enumerate(v.SCENARIO_FALLBACK_COLORS)}},
    "trajectory": v.TRAJECTORY_COLORS, "mark": v.MARK_COLORS,
}
#: A colour two concepts may share because they never meet in one document (vocabulary.yml, ``colours``).
SHARED = {"#000000": {"sector:branche_energie", "mark:observed"}}
#: What the legend of a highlight says (charts.nature_handles, charts.bars, charts.trajectories).
HIGHLIGHT_LEGEND = re.compile(r"observée|Territoire du rapport")


def concepts_by_colour() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for family, colours in FAMILIES.items():
        for key, c in colours.items():
            out.setdefault(to_hex(c).upper(), set()).add(f"{family}:{key}")
    return out


def test_no_colour_is_declared_for_two_concepts():
    shared = {c: keys for c, keys in concepts_by_colour().items() if len(keys) > 1}
    assert shared == SHARED


def test_the_reported_duplicates_are_gone():
    """Résidentiel, Éolien, the EPCIs and « Tendanciel » were all #0072B2 (issue 23, point 20)."""
    blue = v.SECTOR_COLORS["residentiel"]
    assert v.TECHNOLOGY_COLORS["eolien"] != blue and v.SCENARIO_COLORS["tendanciel"] != blue
    assert blue not in {v.TERRITORY_COLORS[t] for t in ("PMA", "CALL", "CAHC", "CABBALR")}
    assert v.scenario_color("inconnu") in v.SCENARIO_FALLBACK_COLORS


# --- the drawn charts -------------------------------------------------------------------------------


def _hex(c) -> str | None:
    """The colour of an artist, None when it draws nothing (white, transparent, « none »)."""
    if c is None or (isinstance(c, str) and c == "none"):
        return None
    rgba = to_rgba(c)
    if rgba[3] == 0:
        return None
    h = to_hex(rgba, keep_alpha=False).upper()
    return None if h == "#FFFFFF" else h


def drawn(fig) -> list[tuple[str, object]]:
    """(colour, artist) of every bar, line, band and marker of a figure (guides left out)."""
    out = []
    for ax in fig.axes:
        for a in [*ax.patches, *ax.lines, *ax.collections]:
            if a.get_gid() == "guide":
                continue
            if hasattr(a, "get_facecolors") and not hasattr(a, "get_width"):  # collections
                colours = [*a.get_facecolors(), *(a.get_edgecolors() if a.get_gid() != "band" else [])]
            elif hasattr(a, "get_facecolor") and not hasattr(a, "get_xdata"):  # patches
                colours = [a.get_facecolor()]
            else:  # lines
                colours = [a.get_color()]
            out += [(h, a) for h in map(_hex, colours) if h]
    return out


def labelled(fig) -> list[tuple[str, str, str]]:
    """(label, colour, « legend » or « bar ») of every legend entry and every labelled horizontal bar."""
    out = []
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None:
            for text, handle in zip(leg.get_texts(), leg.legend_handles):
                if hasattr(handle, "get_facecolor") and not hasattr(handle, "get_xdata"):
                    c = handle.get_facecolor()
                    c = c[0] if len(getattr(c, "shape", ())) == 2 and len(c) else c
                else:
                    c = handle.get_color()
                if (h := _hex(c)) is not None:
                    out.append((text.get_text(), h, "legend"))
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        bars = [p for p in ax.patches if p.get_width() > 0 and p.get_height() < 1]
        if ticks and len(bars) == len(ticks) and all(p.get_x() <= 0 for p in bars):  # barh: one bar a tick
            by_y = sorted(bars, key=lambda p: p.get_y())
            out += [(t, _hex(p.get_facecolor()), "bar") for t, p in zip(ticks, by_y)]
    return out


def expected_colours(ctx, fc) -> dict[str, str]:
    """Label shown in a chart → the declared colour of what it names."""
    out = {lab: v.SECTOR_COLORS[s] for s, lab in v.SECTOR_LABELS.items() if s in v.SECTOR_COLORS}
    out |= {v.TECHNOLOGY_LABELS[t]: c for t, c in v.TECHNOLOGY_COLORS.items()}
    out |= {v.HEAT_GAS_SHORT[t]: c for t, c in v.HEAT_GAS_COLORS.items()}
    out |= {v.POLLUTANT_SHORT[p]: c for p, c in v.POLLUTANT_COLORS.items()}
    out[ctx.territory.name("pma", "PMA")] = v.TERRITORY_COLORS["PMA"]
    for _, e in ctx.territory.epcis.iterrows():
        out[e["epci_sigle"]] = v.TERRITORY_COLORS[e["epci_sigle"]]
        out[e["epci_nom"]] = v.TERRITORY_COLORS[e["epci_sigle"]]
    if fc is not None:
        out |= {f"{s.title} (médiane)": v.scenario_color(n, list(fc.scenarios)) for n, s in fc.scenarios.items()}
        out["Trajectoire de référence (ADEME)"] = out["Trajectoire de référence"] = v.TRAJECTORY_COLORS["reference"]
    return {k: to_hex(c).upper() for k, c in out.items()}


@pytest.fixture(scope="module")
def reports(built_paths):
    """The charts of the annual report and of the scenario report of the Pôle, drawn once."""
    from pma_eval.report import annual as a
    from pma_eval.report import load_context
    from pma_eval.report import network as n
    from pma_eval.report import scenarios as s
    from pma_eval.report.foresight import load_foresight

    ctx = load_context(2023, "PMA", built_paths)
    fc = load_foresight(2023, "PMA", draws=100, paths=built_paths)
    annual = {"emissions": a.emissions_figure(ctx), "drivers": a.drivers_figure(ctx), "energy": a.energy_figure(ctx),
              "enr": a.enr_figure(ctx), "epci": a.epci_figure(ctx), "heat": a.heat_figure(ctx),
              "air": a.air_figure(ctx), "comparison": a.comparison_figure(ctx),
              "participation": n.participation_figure(ctx)}
    scenario = {"trajectories": s.trajectory_figure(fc), "energy": s.energy_figure(fc),
                "forecast": s.forecast_figure(fc),
                **{f"fan_{k}": s.fan_figure(fc, k) for k in fc.scenarios},
                **{f"levers_{k}": s.lever_figure(fc, k) for k in fc.scenarios}}
    figs = {"annuel": {k: f.fig for k, f in annual.items() if getattr(f, "fig", None) is not None},
            "scénarios": {k: f.fig for k, f in scenario.items() if getattr(f, "fig", None) is not None}}
    yield ctx, fc, figs
    import matplotlib.pyplot as plt

    for doc in figs.values():
        for f in doc.values():
            plt.close(f)


def test_the_reports_draw_their_charts(reports):
    _, fc, figs = reports
    assert {"emissions", "energy", "enr", "epci", "comparison", "drivers"} <= set(figs["annuel"])
    assert {"trajectories", "forecast", *(f"fan_{k}" for k in fc.scenarios)} <= set(figs["scénarios"])


@pytest.mark.parametrize("doc", ["annuel", "scénarios"])
def test_every_colour_is_declared_and_means_one_thing_in_a_report(reports, doc):
    _, _, figs = reports
    declared = concepts_by_colour()
    used: dict[str, set[str]] = {}
    for name, fig in figs[doc].items():
        for h, _ in drawn(fig):
            assert h in declared, f"{doc}/{name} : couleur {h} non déclarée dans vocabulary.yml"
            used.setdefault(h, set()).add(name)
    # black: the energy branch in the sector charts, the observed history in the trajectories, never both
    # in one report
    sector_charts = {"annuel": {"emissions", "energy"}, "scénarios": set()}[doc]
    black_charts = used.get("#000000", set())
    assert not (black_charts & sector_charts and black_charts - sector_charts), (doc, black_charts)


def test_one_concept_one_colour_in_every_chart(reports):
    ctx, fc, figs = reports
    expected = expected_colours(ctx, fc)
    territories = {ctx.territory.name("pma", "PMA"), *ctx.territory.epcis["epci_sigle"], *ctx.territory.epcis["epci_nom"]}
    seen: dict[str, set[tuple[str, str]]] = {}
    for doc, charts in figs.items():
        for name, fig in charts.items():
            for label, h, kind in labelled(fig):
                key = label.rstrip(" *")
                # a bar's label names a territory or a lever (« Agriculture » is a lever, in its scenario's colour)
                if key in expected and (kind == "legend" or key in territories):
                    seen.setdefault(key, set()).add((h, f"{doc}/{name}"))
    wrong = {k: sorted(c) for k, c in seen.items() if {h for h, _ in c} != {expected[k]}}
    assert not wrong
    # the sectors drawn in both sector charts, the territories in both territory charts, the scenarios in
    # the trajectories and the energy chart: same colour (checked above), and actually found
    assert len({c for _, c in seen["Résidentiel"]}) >= 2
    assert {"annuel/epci", "annuel/comparison"} <= {c for _, c in seen[ctx.territory.name("pma", "PMA")]}
    assert {"scénarios/trajectories", "scénarios/energy"} <= {c for _, c in seen[f"{fc.scenarios['tendanciel'].title} (médiane)"]}


def test_every_highlight_has_a_legend_entry(reports):
    _, _, figs = reports
    found = 0
    for doc, charts in figs.items():
        for name, fig in charts.items():
            for ax in fig.axes:
                highlighted = [a for a in [*ax.patches, *ax.collections] if a.get_gid() == "highlight"]
                if not highlighted:
                    continue
                found += 1
                leg = ax.get_legend()
                texts = [t.get_text() for t in leg.get_texts()] if leg else []
                assert any(HIGHLIGHT_LEGEND.search(t) for t in texts), f"{doc}/{name} : {texts}"
                # pale bars (demonstration) beside full ones: both natures are in the legend
                alphas = {p.get_alpha() for p in ax.patches if p.get_alpha() is not None}
                if len(alphas) > 1:
                    assert any("démonstration" in t for t in texts), f"{doc}/{name}"
    # 2016 observed among demonstration years (sector charts), the Pôle's own bar (EPCI and comparison)
    assert found >= 3

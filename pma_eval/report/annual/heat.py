"""Renewable heat and gas in the annual report: production by source, biomethane injection sites, and
the renewable share of final consumption (electricity + heat + gas) beside the electricity-only
coverage."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ... import charts, fmt
from ...indicators import load_catalogue
from ...vocabulary import HEAT_GAS_COLORS, HEAT_GAS_SHORT, HEAT_GAS_VECTOR
from ...narrative import section_text
from ...narrative.sentences import render
from ..blocks import Figure, Table, Text
from ..context import ReportContext, demo_years_sentence, demonstration_note, series, source_line, value, wide
from ..statement import is_complete

VECTOR_FR = {"chaleur": "chaleur", "gaz": "gaz"}


@lru_cache(maxsize=1)
def source_indicators() -> dict[str, str]:
    """Heat or gas source code → the catalogue indicator of its production (read from the catalogue's
    ``calc`` filters, so that the mapping is declared once)."""
    out = {}
    for ind in load_catalogue():
        flt = ind.calc.get("filter") or {}
        if ind.calc.get("table") == "renewables_heat" and flt.get("variable") == "production" and "technology" in flt:
            out[flt["technology"]] = ind.id
    return out


def has_heat(ctx: ReportContext) -> bool:
    """Is some renewable heat or gas production entered for the territory?"""
    return any(series(ctx, i).notna().any() for i in source_indicators().values())


def _wide(ctx: ReportContext) -> tuple[pd.DataFrame, set[int], frozenset[str]]:
    """:func:`~pma_eval.report.context.wide` of the sources' indicators, columns named by source, the
    sources with nothing but zeros left out."""
    ids = source_indicators()
    w, demo, seen = wide(ctx, "", ids.values())
    w = w.rename(columns={iid: code for code, iid in ids.items()})
    return w.loc[:, w.fillna(0).abs().sum() > 0], demo, seen


def heat_figure(ctx: ReportContext) -> Figure:
    """Stacked production of renewable heat and injected biomethane by source, in GWh."""
    w, demo, seen = _wide(ctx)
    ids = list(source_indicators().values())
    src = source_line(ctx, ids)
    title = f"Production de chaleur et de gaz renouvelables — {ctx.name}"

    def make():
        return charts.stacked(w, title, "GWh", src, HEAT_GAS_SHORT, HEAT_GAS_COLORS, None, demo, scale=1000)

    tot = w.sum(axis=1, min_count=1) / 1000
    first, last = int(w.index.min()), int(w.index.max())
    alt = section_text("chaleur", "alternative", de_nom=ctx.of_name, debut=first, fin=last,
                       total_debut=fmt.number(tot[first], 0), total_fin=fmt.number(tot[last], 0)) + demo_years_sentence(demo)
    return Figure(make(), alt, section_text("chaleur", "legende"), w,
                  (src,), seen, make)


def heat_table(ctx: ReportContext) -> Table:
    """Each source in the report year: vector, production, change from the year before, share of the total."""
    rows, seen = [], set()
    total = 0.0
    for code, iid in source_indicators().items():
        v, n = value(ctx, iid)
        if v == v:
            total += v
    for code, iid in source_indicators().items():
        v, n = value(ctx, iid)
        if v != v or (v == 0 and code != "biomethane"):
            continue
        prev, n0 = value(ctx, iid, ctx.year - 1)
        seen |= {n, n0}
        rows.append({"Filière": HEAT_GAS_SHORT[code], "Vecteur": VECTOR_FR[HEAT_GAS_VECTOR[code]],
                     f"Production {ctx.year} (GWh)": v / 1000,
                     f"Depuis {ctx.year - 1}": v / prev - 1 if prev else float("nan"),
                     "Part du total": v / total if total else float("nan")})
    change = lambda x: fmt.percent(x, 0, signed=True)  # noqa: E731
    col = f"Production {ctx.year} (GWh)"
    return Table(pd.DataFrame(rows), section_text("chaleur", "tableau", annee=ctx.year, nom=ctx.name),
                 formats={col: lambda x: fmt.significant(x, 3), f"Depuis {ctx.year - 1}": change,
                          "Part du total": lambda x: fmt.percent(x, 0)},
                 numeric=[col, f"Depuis {ctx.year - 1}", "Part du total"],
                 sources=(source_line(ctx, list(source_indicators().values())),),
                 natures=frozenset(seen - {"secret"}) or frozenset(seen))


def share_sentence(ctx: ReportContext) -> Text:
    """The renewable share of final consumption (electricity + heat + gas) beside the electricity-only figures."""
    total, n1 = value(ctx, "part_enr_conso_finale")
    elec, n2 = value(ctx, "couverture_elec_enr")
    prod_e, n3 = value(ctx, "enr_elec_production")
    conso, n4 = value(ctx, "conso_energie_finale")
    sites, n5 = value(ctx, "biomethane_sites")
    cap, n6 = value(ctx, "biomethane_capacite")
    seen = {n1, n2, n3, n4}
    if total != total:
        return Text(section_text("chaleur", "part_incalculable"))
    injected, _ = value(ctx, "biomethane_injection")
    if sites == sites:
        seen |= {n5, n6}
    text = render("annuel/part_renouvelable.j2", annee=ctx.year, de_territoire=ctx.of_name, biomethane=injected == injected,
                  part=fmt.percent(total / 100, 1),
                  part_electricite=fmt.percent(prod_e / conso, 1) if prod_e == prod_e and conso else None,
                  couverture=fmt.percent(elec / 100, 1) if elec == elec else None,
                  sites=sites if sites == sites else None, sites_texte=fmt.number(sites, 0), pluriel=sites >= 2,
                  # the register's own year may be known only up to its date: then a minimum
                  registre_complet=is_complete(ctx, "biomethane_sites"),
                  capacite=fmt.number(cap / 1000, 1) if cap == cap else None)
    text += demonstration_note(seen)
    return Text(text, "key-figure", frozenset(seen - {"secret"}))


def no_heat_text() -> Text:
    """The heat section's fallback (``sections.yml``)."""
    return Text(section_text("chaleur", "repli"))

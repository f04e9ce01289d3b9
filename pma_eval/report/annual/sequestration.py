"""Carbon sequestration section of the annual report: stocks and net flows by land use (ADEME ALDO
outputs), net emissions, and the carbon-neutrality target judged on net emissions."""

from __future__ import annotations

import pandas as pd

from ... import fmt
from ...processed import load
from ...errors import ConfigurationError
from ...territory import worst_nature
from ...vocabulary import LAND_USE_LABELS
from ...narrative import section_text
from ...narrative.sentences import render
from ..blocks import Table, Text
from ..statement import least
from ..context import ReportContext, display, source_line, value

IDS = ["sequestration_nette", "stock_carbone", "ges_nettes"]


def has_sequestration(ctx: ReportContext) -> bool:
    v, _ = value(ctx, "sequestration_nette")
    return v == v


def _rows(ctx: ReportContext) -> pd.DataFrame:
    try:
        t = load("sequestration", ctx.paths)
    except ConfigurationError:
        return pd.DataFrame()
    return t[(t["geo_level"] == ctx.geo_level) & (t["geo_code"] == ctx.geo_code) & (t["year"] <= ctx.year)]


def land_use_table(ctx: ReportContext) -> Table | Text:
    """Stock [kt C] and net sequestration [t CO₂e a year] by land use, in the latest year with a stock
    entered (the year of the ALDO run)."""
    t = _rows(ctx)
    stocks = t[t["variable"] == "stock"]
    if stocks.empty:
        return Text(section_text("sequestration", "aucun_stock"))
    year = int(stocks["year"].max())
    t = t[t["year"] == year]
    wide = t.pivot_table(index="land_use", columns="variable", values="value", aggfunc="sum")
    rows = [{"Occupation du sol": LAND_USE_LABELS[lu], "Stock (kt C)": r.get("stock", float("nan")) / 1000,
             "Séquestration nette (t CO₂e/an)": r.get("sequestration", float("nan"))}
            for lu, r in wide.iterrows()]
    rows.sort(key=lambda r: -(r["Séquestration nette (t CO₂e/an)"] if r["Séquestration nette (t CO₂e/an)"] == r[
        "Séquestration nette (t CO₂e/an)"] else float("-inf")))
    rows.append({"Occupation du sol": "Total", "Stock (kt C)": wide.get("stock", pd.Series(dtype=float)).sum() / 1000,
                 "Séquestration nette (t CO₂e/an)": wide.get("sequestration", pd.Series(dtype=float)).sum()})
    return Table(pd.DataFrame(rows), section_text("sequestration", "tableau_sols", annee=year, nom=ctx.name),
                 formats={"Stock (kt C)": lambda x: fmt.number(x, 0),
                          "Séquestration nette (t CO₂e/an)": lambda x: fmt.number(x, 0, signed=True)},
                 sources=(source_line(ctx, ["sequestration_nette", "stock_carbone"]),),
                 natures=frozenset(t["nature"]))


def net_sentence(ctx: ReportContext) -> Text:
    gross, n1 = value(ctx, "ges_total")
    seq, n2 = value(ctx, "sequestration_nette")
    net, n3 = value(ctx, "ges_nettes")
    share = seq / gross if gross else float("nan")
    text = render("annuel/emissions_nettes.j2", annee=ctx.year, de_territoire=ctx.of_name,
                  sequestration=display("t CO₂e", seq), part=fmt.percent(share, 1),
                  brutes=least(ctx, "ges_total") + display("t CO₂e", gross),
                  nettes=least(ctx, "ges_nettes") + display("t CO₂e", net),
                  demonstration="tout" if n2 == "demonstration" else
                  "partie" if worst_nature([n1, n2, n3]) == "demonstration" else None)
    return Text(text, "key-figure", frozenset({n1, n2, n3}))


def no_sequestration_text() -> Text:
    """The sequestration section's fallback (``sections.yml``)."""
    return Text(section_text("sequestration", "repli"))

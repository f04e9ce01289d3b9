"""Energy and renewable sections of the annual report."""

from __future__ import annotations

import re

import pandas as pd

from ... import charts, fmt
from ...territory import NATURE_LABELS_FR
from ...vocabulary import (CARRIER_LABELS, ENERGY_SECTORS, RENEWABLE_TECHNOLOGIES, REPORT_CARRIERS,
                           TECHNOLOGY_COLORS, TECHNOLOGY_HATCHES, TECHNOLOGY_LABELS)
from ...narrative import section_text
from ...narrative.sentences import render
from ..blocks import Figure, Table, Text
from ..statement import INCOMPLETE_MARK, is_complete
from ..context import ReportContext, demo_years_sentence, display, series, source_line, value, wide


def carrier_table(ctx: ReportContext) -> Table:
    total, nt = value(ctx, "conso_energie_finale")
    rows, seen = [], {nt}
    for c in REPORT_CARRIERS:
        v, n = value(ctx, f"conso_{c}")
        seen.add(n)
        rows.append({"Énergie": CARRIER_LABELS[c], "Consommation (GWh)": v, "Part": v / total, "Nature": n})
    return Table(pd.DataFrame(rows), section_text("energie", "tableau_energies", annee=ctx.year),
                 formats={"Consommation (GWh)": lambda x: display("MWh", x, with_unit=False),
                          "Part": lambda x: fmt.percent(x, 0), "Nature": NATURE_LABELS_FR.get},
                 numeric=["Consommation (GWh)", "Part"],
                 sources=(source_line(ctx, [f"conso_{c}" for c in REPORT_CARRIERS]),), natures=frozenset(seen))


def energy_figure(ctx: ReportContext) -> Figure:
    w, demo, seen = wide(ctx, "conso_", ENERGY_SECTORS)
    src = source_line(ctx, [f"conso_{s}" for s in ENERGY_SECTORS])
    fig = charts.stacked_sectors(w, f"Consommation d'énergie finale par secteur — {ctx.name}", "GWh", src,
                                 demo_years=demo, scale=1000)
    tot = w.sum(axis=1, min_count=1) / 1000
    first, last = int(w.index.min()), int(w.index.max())
    alt = section_text("energie", "alternative", de_nom=ctx.of_name, debut=first, fin=last,
                       total_debut=fmt.number(tot[first], 0), total_fin=fmt.number(tot[last], 0)) + demo_years_sentence(demo)
    return Figure(fig, alt, section_text("energie", "legende"), w, (src,), seen)


def enr_figure(ctx: ReportContext, title: str | None = None) -> Figure:
    w, demo, seen = wide(ctx, "enr_production_", RENEWABLE_TECHNOLOGIES)
    src = source_line(ctx, [f"enr_production_{t}" for t in RENEWABLE_TECHNOLOGIES])
    title = title or f"Production d'électricité renouvelable — {ctx.name}"

    def make():
        return charts.stacked(w, title, "GWh", src, TECHNOLOGY_LABELS, TECHNOLOGY_COLORS, TECHNOLOGY_HATCHES,
                              demo, scale=1000)

    tot = w.sum(axis=1, min_count=1) / 1000
    first, last = int(w.index.min()), int(w.index.max())
    alt = section_text("renouvelables", "alternative", de_nom=ctx.of_name, debut=first, fin=last,
                       total_debut=fmt.number(tot[first], 0), total_fin=fmt.number(tot[last], 0)) + demo_years_sentence(demo)
    return Figure(make(), alt, section_text("renouvelables", "legende"), w, (src,),
                  seen, make)


def has_climate(ctx: ReportContext) -> bool:
    """Is the climate-corrected consumption known for the report year?"""
    v, _ = value(ctx, "conso_energie_finale_corrigee")
    return v == v


def degree_days_note(ctx: ReportContext) -> str:
    """The convention, the normal and the missing days of the degree-days the report shows, read from the
    processed climate table (« Degrés-jours base 17 °C (convention du SDES) … ; normale … ; jours
    manquants … »), or '' when the degree-days do not come from daily temperatures."""
    from ...errors import ConfigurationError
    from ...processed import load
    from ...sources.weather import DJU_CONVENTION

    try:
        c = load("climate", ctx.paths)
    except ConfigurationError:
        return ""
    c = c.loc[(c["geo_level"] == ctx.geo_level) & (c["geo_code"] == ctx.geo_code) & (c["year"] <= ctx.year)]
    if not (c["variable"] == "days_missing").any():
        return ""
    normal = c.loc[c["variable"] == "dju_reference"]
    missing = c.loc[(c["variable"] == "days_missing") & (c["value"] > 0)].sort_values("year")
    demo = sorted(c.loc[(c["variable"] == "dju") & (c["nature"] == "demonstration"), "year"])
    national = c.loc[(c["variable"] == "dju") & (c["nature"] == "estimated")].sort_values("year")
    text = DJU_CONVENTION[:1].upper() + DJU_CONVENTION[1:]
    if len(normal):
        text += (f" ; {normal['source'].iloc[0]}, soit {fmt.number(normal['value'].iloc[0], 0)}\u00a0DJU")
    text += " ; jours manquants dans la saison de chauffe : " + (
        ", ".join(f"{int(r.year)} : {fmt.number(r.value, 0)}" for r in missing.itertuples())
        + " (chaque mois ramené à sa durée)" if len(missing) else "aucun")
    if len(national):
        ys = [int(y) for y in national["year"]]
        gap = re.search(r"écart de l'estimation aux degrés-jours réels de (.+?)\)$", str(national["source"].iloc[0]))
        text += (f" ; {_span(ys)} : estimés d'après l'indice national de rigueur climatique du SDES (INDRIG, France "
                 "métropolitaine), porté à la normale régionale" + (f" (écart de {gap.group(1)} aux degrés-jours réels "
                                                                    "des années où les deux existent)" if gap else ""))
    if demo:
        text += f" ; {_span(demo)} : indice de rigueur de démonstration porté à la même normale"
    return text + "."


def _span(years: list[int]) -> str:
    """« 2012–2014 », or « 2015 » for one year."""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def degree_days_text(ctx: ReportContext) -> Text | None:
    """:func:`degree_days_note` as a note printed under the climate table, or None."""
    note = degree_days_note(ctx)
    return Text(note, "note") if note else None


def climate_table(ctx: ReportContext) -> Table:
    """Year by year: degree-days, how harsh the year was, the consumption as measured and at normal climate."""
    raw, corr, dju, idx = (series(ctx, i) for i in ("conso_energie_finale", "conso_energie_finale_corrigee",
                                                      "dju_chauffage", "indice_rigueur_climatique"))
    years = [y for y in corr.dropna().index if y <= ctx.year]
    rows, seen, partial = [], set(), []
    for y in years:
        seen |= {value(ctx, "conso_energie_finale_corrigee", y)[1], value(ctx, "conso_energie_finale", y)[1],
                 value(ctx, "dju_chauffage", y)[1]}
        whole = is_complete(ctx, "conso_energie_finale", y) and is_complete(ctx, "conso_energie_finale_corrigee", y)
        partial += [] if whole else [y]
        rows.append({"Année": str(y) + ("" if whole else INCOMPLETE_MARK), "Degrés-jours": dju.get(y),
                     "Rigueur (1 = normale)": idx.get(y),
                     "Consommation réelle (GWh)": raw.get(y), "À climat normal (GWh)": corr.get(y),
                     "Écart": corr.get(y) / raw.get(y) - 1 if raw.get(y) else float("nan")})
    gwh = lambda x: display("MWh", x, with_unit=False)  # noqa: E731
    # an incomplete year's consumption is a minimum (issue 23: marked wherever it is printed)
    return Table(pd.DataFrame(rows), section_text("climat", "tableau", nom=ctx.name, marque=INCOMPLETE_MARK,
                                                  incomplet=bool(partial)),
                 formats={"Degrés-jours": lambda x: fmt.number(x, 0), "Rigueur (1 = normale)": lambda x: fmt.number(x, 2),
                          "Consommation réelle (GWh)": gwh, "À climat normal (GWh)": gwh,
                          "Écart": lambda x: fmt.percent(x, 1, signed=True)},
                 numeric=["Degrés-jours", "Rigueur (1 = normale)", "Consommation réelle (GWh)", "À climat normal (GWh)",
                          "Écart"],
                 sources=tuple(x for x in (source_line(ctx, ["conso_energie_finale_corrigee", "dju_chauffage"]),
                                           degree_days_note(ctx)) if x),
                 natures=frozenset(seen - {"secret"}) or frozenset(seen))


def climate_sentence(ctx: ReportContext) -> Text:
    """The weather of the report year, the trend as measured and at normal climate, and what the verdicts use."""
    idx, n0 = value(ctx, "indice_rigueur_climatique")
    raw, corr = series(ctx, "conso_energie_finale").dropna(), series(ctx, "conso_energie_finale_corrigee").dropna()
    years = sorted(set(raw.index) & set(corr.index))
    years = [y for y in years if y <= ctx.year]
    if not years or idx != idx:
        return Text(section_text("climat", "indisponible"))
    first, n = years[0], ctx.year - years[0]
    rate = lambda s: (s[ctx.year] / s[first]) ** (1 / n) - 1  # noqa: E731
    text = render("annuel/climat.j2", annee=ctx.year,
                  hiver="douce" if idx < 0.97 else "froide" if idx > 1.03 else "normale",
                  rigueur=fmt.number(idx, 2), ecart=fmt.percent(idx - 1, 0, signed=True), de_territoire=ctx.of_name,
                  # a consumption with unknown parts is a minimum, here as in the table (issue 23)
                  corrigee=("" if is_complete(ctx, "conso_energie_finale_corrigee", ctx.year) else "au moins ")
                  + display("MWh", corr[ctx.year]),
                  reelle=("" if is_complete(ctx, "conso_energie_finale", ctx.year) else "au moins ")
                  + display("MWh", raw[ctx.year]), degres_jours=n0,
                  # real weather, but invented consumption or thermosensitive shares
                  consommation_demo=value(ctx, "conso_energie_finale_corrigee")[1] == "demonstration",
                  depuis=first if n > 0 else None,
                  degres_jours_depuis=value(ctx, "dju_chauffage", first)[1] if n > 0 else None,
                  evolution_reelle=fmt.percent(rate(raw), 1, signed=True) if n > 0 else None,
                  evolution_corrigee=fmt.percent(rate(corr), 1, signed=True) if n > 0 else None)
    natures = {n0, value(ctx, "conso_energie_finale_corrigee")[1], value(ctx, "conso_energie_finale")[1]} - {"secret"}
    return Text(text, "key-figure", frozenset(natures))

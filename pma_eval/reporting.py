"""Content of the reports: French tables, figures as accessible HTML, caveats.

Pure functions over the processed tables. Notebooks call these and display the results,
so that a report notebook stays a sequence of parameters, calls and prose.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field

import pandas as pd

from . import charts, fmt
from .config import Paths, get_paths
from .datasets import load, load_territory, manifest
from .errors import ConfigurationError
from .nomenclature import SECTOR_LABELS
from .sources.igt import PCAET_SECTORS
from .territory import NATURE_LABELS_FR, Territory

DEMO_BANNER = ("Données de démonstration : certaines séries de ce document sont fictives (générées et calées sur "
               "des données réelles) faute de données publiques disponibles. Elles sont signalées « démo » "
               "et ne doivent pas être citées comme des observations.")


@dataclass
class ReportContext:
    """Everything a report needs, loaded once."""

    year: int
    geo_level: str
    geo_code: str
    name: str
    territory: Territory
    population: pd.DataFrame
    emissions: pd.DataFrame
    manifest: dict
    natures_shown: set[str] = field(default_factory=set)

    @property
    def scope_codes(self) -> list[tuple[str, str]]:
        """The territory and, for the Pôle, its EPCIs (for comparisons)."""
        out = [(self.geo_level, self.geo_code)]
        if self.geo_level == "pma":
            out += [("epci", c) for c in self.territory.epcis["epci_siren"]]
        return out


def available_years(paths: Paths | None = None) -> list[int]:
    em = load("emissions", paths)
    return sorted(int(y) for y in em["year"].unique())


def latest_year(paths: Paths | None = None) -> int:
    """Latest year with emissions data (of any nature)."""
    return available_years(paths)[-1]


def load_context(year: int, territoire: str = "PMA", paths: Paths | None = None) -> ReportContext:
    paths = paths or get_paths()
    territory = load_territory(paths)
    level, code = territory.resolve(territoire)
    if level == "commune":
        raise ConfigurationError("le rapport annuel porte sur le Pôle ou un EPCI (PMA, CALL, CAHC, CABBALR)")
    years = available_years(paths)
    if int(year) not in years:
        raise ConfigurationError(f"année {year} absente des données (années disponibles : {years[0]} à {years[-1]})")
    return ReportContext(int(year), level, code, territory.name(level, code), territory,
                         load("population", paths), load("emissions", paths), manifest(paths))


def _pop(ctx: ReportContext, level: str, code: str, year: int) -> tuple[float, str]:
    p = ctx.population
    row = p.loc[(p["geo_level"] == level) & (p["geo_code"] == code) & (p["year"] == year)]
    if row.empty:
        return float("nan"), "secret"
    return float(row["value"].iloc[0]), str(row["nature"].iloc[0])


def population_table(ctx: ReportContext, first_year: int | None = None) -> pd.DataFrame:
    """Population of the territory (and its EPCIs) in the report year and its change."""
    years = sorted(ctx.population["year"].unique())
    first = first_year or int(years[0])
    rows = []
    for level, code in ctx.scope_codes:
        v1, n1 = _pop(ctx, level, code, ctx.year)
        v0, _ = _pop(ctx, level, code, first)
        ctx.natures_shown.add(n1)
        rows.append({"Territoire": ctx.territory.name(level, code),
                     f"Population {ctx.year}": fmt.number(v1),
                     f"Évolution depuis {first}": fmt.percent(v1 / v0 - 1, 1, signed=True),
                     "Nature": NATURE_LABELS_FR[n1]})
    return pd.DataFrame(rows)


def emissions_wide(ctx: ReportContext, level: str, code: str) -> pd.DataFrame:
    """Emissions in the PCAET total by year (rows) and sector (columns) [t CO2e]."""
    e = ctx.emissions
    e = e.loc[(e["geo_level"] == level) & (e["geo_code"] == code) & e["in_total"]]
    wide = e.pivot_table(index="year", columns="sector", values="value", aggfunc="sum")
    return wide.reindex(columns=[s for s in PCAET_SECTORS if s in wide.columns])


def natures_by_year(ctx: ReportContext, level: str, code: str) -> pd.Series:
    e = ctx.emissions
    e = e.loc[(e["geo_level"] == level) & (e["geo_code"] == code) & e["in_total"]]
    order = ["secret", "demonstration", "estimated", "observed"]
    return e.groupby("year")["nature"].agg(lambda s: min(s, key=order.index))


def emissions_table(ctx: ReportContext) -> pd.DataFrame:
    """Emissions by sector in the report year: value [kt CO2e], share, per inhabitant."""
    wide = emissions_wide(ctx, ctx.geo_level, ctx.geo_code)
    row = wide.loc[ctx.year]
    total = row.sum(min_count=1)
    pop, _ = _pop(ctx, ctx.geo_level, ctx.geo_code, ctx.year)
    nature = natures_by_year(ctx, ctx.geo_level, ctx.geo_code).get(ctx.year, "observed")
    ctx.natures_shown.add(nature)
    out = [{"Secteur": SECTOR_LABELS[s], "Émissions (kt CO₂e)": fmt.number(v / 1000, 1),
            "Part du total": fmt.percent(v / total, 0), "Par habitant (t CO₂e)": fmt.number(v / pop, 2)}
           for s, v in row.items()]
    out.append({"Secteur": "Total", "Émissions (kt CO₂e)": fmt.number(total / 1000, 1),
                "Part du total": fmt.percent(1.0, 0), "Par habitant (t CO₂e)": fmt.number(total / pop, 2)})
    return pd.DataFrame(out)


def total_emissions(ctx: ReportContext, level: str, code: str, year: int) -> float:
    return float(emissions_wide(ctx, level, code).loc[year].sum(min_count=1))


def epci_comparison(ctx: ReportContext) -> pd.Series:
    """Emissions per inhabitant [t CO2e/inhabitant] of the Pôle and its EPCIs in the report year.

    Ratios are recomputed from totals (total emissions / total population), never averaged.
    """
    values = {}
    for level, code in [("pma", "PMA"), *[("epci", c) for c in ctx.territory.epcis["epci_siren"]]]:
        pop, _ = _pop(ctx, level, code, ctx.year)
        values[ctx.territory.name(level, code)] = total_emissions(ctx, level, code, ctx.year) / pop
    return pd.Series(values)


def emissions_figure(ctx: ReportContext) -> tuple[str, str]:
    """Stacked sector chart of the territory, returned as (HTML figure, alt text)."""
    wide = emissions_wide(ctx, ctx.geo_level, ctx.geo_code)
    natures = natures_by_year(ctx, ctx.geo_level, ctx.geo_code)
    demo = {int(y) for y, n in natures.items() if n == "demonstration"}
    ctx.natures_shown.update(natures.unique())
    fig = charts.stacked_sectors(wide, f"Émissions de gaz à effet de serre par secteur — {ctx.name}",
                                 "kt CO₂e", _sources_line(ctx), demo_years=demo, scale=1000)
    totals = wide.sum(axis=1, min_count=1) / 1000
    first, last = int(wide.index.min()), int(wide.index.max())
    top = wide.loc[ctx.year].sort_values(ascending=False)
    alt = (f"Histogramme empilé des émissions de gaz à effet de serre de {ctx.name} par secteur, de {first} à {last}. "
           f"Total {first} : {fmt.number(totals[first], 0)} kt CO₂e ; total {last} : {fmt.number(totals[last], 0)} kt CO₂e. "
           f"En {ctx.year}, premiers secteurs : " + ", ".join(
               f"{SECTOR_LABELS[s].lower()} ({fmt.number(v / 1000, 0)} kt)" for s, v in top.head(3).items()) + ". "
           + (f"Années de démonstration : {', '.join(str(y) for y in sorted(demo))}." if demo else ""))
    return figure_html(fig, alt, "Émissions par secteur (périmètre PCAET, hors CO₂ biomasse)"), alt


def epci_figure(ctx: ReportContext) -> tuple[str, str]:
    values = epci_comparison(ctx)
    fig = charts.bars(values, f"Émissions par habitant en {ctx.year}", "t CO₂e par habitant",
                      _sources_line(ctx), decimals=1, highlight=ctx.name)
    alt = (f"Barres horizontales des émissions par habitant en {ctx.year} : "
           + " ; ".join(f"{k} {fmt.number(v, 1)} t CO₂e" for k, v in values.items()) + ".")
    return figure_html(fig, alt, f"Émissions par habitant du Pôle et de ses agglomérations en {ctx.year}"), alt


def _sources_line(ctx: ReportContext) -> str:
    return "CITEPA (IGT), INSEE ; séries de démonstration pma-eval"


def figure_html(fig, alt: str, caption: str) -> str:
    """A figure as self-contained HTML: embedded PNG, text alternative, caption."""
    data = base64.b64encode(charts.to_png(fig)).decode("ascii")
    return (f'<figure class="pma-figure"><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}"/>'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def html_table(df: pd.DataFrame, caption: str, numeric: list[str] | None = None) -> str:
    """An accessible HTML table: caption, header cells with scope, escaped content."""
    numeric = numeric if numeric is not None else [c for c in df.columns[1:]]
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in df.columns)
    body = []
    for _, row in df.iterrows():
        cells = []
        for i, c in enumerate(df.columns):
            text = html.escape(str(row[c]))
            if i == 0:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cls = ' class="num"' if c in numeric else ""
                cells.append(f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="pma-table"><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def _input_groups(ctx: ReportContext) -> list[dict]:
    """Build inputs grouped by (format, nature): yearly snapshots of one source become one entry."""
    groups: dict[tuple, dict] = {}
    for inp in ctx.manifest.get("inputs", []):
        key = (inp.get("format"), inp.get("nature"))
        g = groups.setdefault(key, {**inp, "files": 0, "all_years": []})
        g["files"] += 1
        g["all_years"].append(str(inp.get("years") or ""))
        for c in inp.get("caveats") or []:
            if c not in g["caveats"]:
                g["caveats"] = [*g["caveats"], c]
    for g in groups.values():
        if g["files"] > 1:
            ys = sorted(g["all_years"])
            g["years"] = f"{ys[0]} à {ys[-1]}"
            g["title"] = g["title"].split(" au 31/12/")[0] + f" ({g['files']} fichiers annuels)"
    return list(groups.values())


def caveats(ctx: ReportContext) -> list[str]:
    """Caveats of the inputs behind the report, from the build manifest, in French, without repeats."""
    out, seen = [], set()
    for g in _input_groups(ctx):
        if g.get("format") in ("communes", "epci"):
            continue
        for c in g.get("caveats") or []:
            if c in seen:
                continue
            seen.add(c)
            out.append(f"{g.get('title') or g['path']} — {c}")
    return out


def sources_table(ctx: ReportContext) -> pd.DataFrame:
    rows = [{"Donnée": g.get("title") or g["path"], "Producteur": g.get("producer") or "",
             "Années": str(g.get("years") or ""), "Nature": NATURE_LABELS_FR.get(g["nature"], g["nature"]),
             "Licence": g.get("licence") or ""} for g in _input_groups(ctx)]
    return pd.DataFrame(rows)


def nature_note(ctx: ReportContext) -> str:
    """One French sentence saying which natures of data the report showed."""
    labels = [NATURE_LABELS_FR[n] for n in ("observed", "estimated", "demonstration", "secret") if n in ctx.natures_shown]
    return "Natures des données présentées : " + ", ".join(labels) + "." if labels else ""


def heading(text: str, level: int = 2) -> str:
    """An HTML heading with escaped text (headings built from data: commune or EPCI names)."""
    return f"<h{level}>{html.escape(text)}</h{level}>"


def paragraph(text: str, css: str | None = None) -> str:
    cls = f' class="{css}"' if css else ""
    return f"<p{cls}>{html.escape(text)}</p>"


def bullet_list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def has_demonstration(ctx: ReportContext) -> bool:
    e = ctx.emissions
    mine = e.loc[(e["geo_level"] == ctx.geo_level) & (e["geo_code"] == ctx.geo_code)]
    return bool((mine["nature"] == "demonstration").any())


def emissions_summary(ctx: ReportContext) -> str:
    """Key sentence on the territory's emissions in the report year (French)."""
    total = total_emissions(ctx, ctx.geo_level, ctx.geo_code, ctx.year)
    pop, _ = _pop(ctx, ctx.geo_level, ctx.geo_code, ctx.year)
    nature = natures_by_year(ctx, ctx.geo_level, ctx.geo_code).get(ctx.year, "observed")
    text = (f"En {ctx.year}, les émissions de gaz à effet de serre de {ctx.name} s'élèvent à "
            f"{fmt.number(total / 1000, 0)} kt CO₂e, soit {fmt.number(total / pop, 1)} t CO₂e par habitant "
            f"(population légale, millésime {ctx.year}).")
    if nature == "demonstration":
        text += " Ces chiffres sont des données de démonstration, pas des observations."
    return text

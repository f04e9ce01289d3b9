"""Content of the reports: French tables, accessible figures, verdicts, caveats.

Pure functions over the processed tables (indicators, targets, manifest). Titles and units come
from the indicator catalogue. Notebooks call these and display the results, so that a report
notebook stays a sequence of parameters, calls and prose.
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass, field

import pandas as pd

from . import charts, fmt, maps
from .config import Paths, get_paths
from .processed import available_years, load, load_shapes, load_territory, manifest
from .errors import ConfigurationError
from .evaluation import (
    CATEGORY_LABELS_FR,
    FACTOR_LABELS_FR,
    assess_progress,
    best_verdict,
    emissions_drivers,
    evaluate_targets,
    mann_kendall,
    traffic_light,
)
from .indicators import Catalogue, load_catalogue
from .narrative import evolution_sentence, territory_sentences
from .narrative.sentences import subjects
from .narrative.sentences import CAVEATS, STABLE
from .nomenclature import PALETTE, SECTOR_LABELS, TECHNOLOGY_LABELS
from .territory import NATURE_LABELS_FR, Territory, worst_nature

DEMO_BANNER = ("Données de démonstration : une partie des séries de ce document est fictive (générée et calée sur "
               "des données réelles) faute de données publiques disponibles. Ces valeurs sont signalées "
               "« démo » ou « données de démonstration » et ne doivent pas être citées comme des observations.")
SOURCE_EMISSIONS = "CITEPA (IGT 2016) ; autres années : séries de démonstration pma-eval"
SOURCE_ENERGY = "séries de démonstration pma-eval (format Agence ORE) ; Enedis 2023"
SOURCE_ENR = "séries de démonstration pma-eval (format registre ODRÉ)"

#: Display unit of each catalogue unit: (factor, unit shown, decimals).
NATURE_SHORT = {"observed": "observée", "estimated": "estimée", "demonstration": "démo", "secret": "secret"}
DISPLAY = {
    "t CO₂e": (1e-3, "kt CO₂e", 0), "t CO₂": (1e-3, "kt CO₂", 0), "MWh": (1e-3, "GWh", 0), "kW": (1e-3, "MW", 1),
    "t CO₂e/hab": (1, "t CO₂e/hab", 1), "MWh/hab": (1, "MWh/hab", 1), "%": (1, "%", 1), "Wc/hab": (1, "Wc/hab", 0),
    "hab": (1, "hab", 0), "installations": (1, "installations", 0), "nombre": (1, "", 0), "nats": (1, "", 2),
    "indice": (1, "", 2),
}
ENERGY_SECTORS = ["residentiel", "tertiaire", "transport_routier", "agriculture", "industrie_hors_energie"]
PCAET = ["residentiel", "tertiaire", "transport_routier", "autres_transports", "agriculture", "dechets",
         "industrie_hors_energie", "branche_energie"]
TECHS = ["solaire_pv", "eolien", "bioenergies"]


@dataclass
class ReportContext:
    """Everything a report needs, loaded once."""

    year: int
    geo_level: str
    geo_code: str
    name: str
    sigle: str
    territory: Territory
    indicators: pd.DataFrame
    targets: pd.DataFrame
    manifest: dict
    catalogue: Catalogue
    paths: Paths
    natures_shown: set[str] = field(default_factory=set)
    _verdicts: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None

    @property
    def first_year(self) -> int:
        return int(self.indicators["year"].min())

    @property
    def of_name(self) -> str:
        """« du Pôle métropolitain de l'Artois », « de la CALL »."""
        return self.territory.name_after_de(self.geo_level, self.geo_code)


def load_context(year: int, territoire: str = "PMA", paths: Paths | None = None) -> ReportContext:
    paths = paths or get_paths()
    territory = load_territory(paths)
    level, code = territory.resolve(territoire)
    if level == "commune":
        raise ConfigurationError("le rapport annuel porte sur le Pôle ou un EPCI (PMA, CALL, CAHC, CABBALR)")
    years = available_years(paths)
    if int(year) not in years:
        raise ConfigurationError(f"année {year} absente des données (années disponibles : {years[0]} à {years[-1]})")
    ind = load("indicators", paths)
    ind = ind.loc[ind["year"] <= int(year)]
    try:
        targets = load("targets", paths)
    except ConfigurationError:
        targets = pd.DataFrame()
    try:
        cov = load("coverage", paths)
    except ConfigurationError:
        cov = None
    return ReportContext(int(year), level, code, territory.name(level, code),
                         "PMA" if level == "pma" else territory.name(level, code), territory, ind, targets,
                         manifest(paths), load_catalogue(), paths, coverage=cov)


# --- values --------------------------------------------------------------------------------------

def series(ctx: ReportContext, iid: str, level: str | None = None, code: str | None = None) -> pd.Series:
    v = ctx.indicators
    v = v.loc[(v["indicator_id"] == iid) & (v["geo_level"] == (level or ctx.geo_level))
              & (v["geo_code"] == (code or ctx.geo_code))]
    return v.set_index("year")["value"].sort_index()


def natures(ctx: ReportContext, iid: str, level: str | None = None, code: str | None = None) -> pd.Series:
    v = ctx.indicators
    v = v.loc[(v["indicator_id"] == iid) & (v["geo_level"] == (level or ctx.geo_level))
              & (v["geo_code"] == (code or ctx.geo_code))]
    return v.set_index("year")["nature"].sort_index()


def value(ctx: ReportContext, iid: str, year: int | None = None, level: str | None = None,
          code: str | None = None) -> tuple[float, str]:
    s, n = series(ctx, iid, level, code), natures(ctx, iid, level, code)
    y = year or ctx.year
    if y not in s.index:
        return math.nan, "secret"
    ctx.natures_shown.add(n[y])
    return float(s[y]), str(n[y])


def display(iid_or_unit: str, v: float, ctx: ReportContext | None = None, with_unit: bool = True,
            signed: bool = False) -> str:
    """A value in its display unit, French typography: ``2 790 kt CO₂e``."""
    unit = iid_or_unit if iid_or_unit in DISPLAY else (ctx.catalogue[iid_or_unit].short_unit if ctx else load_catalogue()[iid_or_unit].short_unit)
    factor, shown, dec = DISPLAY[unit]
    text = fmt.number(v * factor if v == v else v, dec, signed=signed)
    return f"{text}\u00a0{shown}" if with_unit and shown and text != fmt.MISSING else text


# --- verdicts ------------------------------------------------------------------------------------

def trend_label(s: pd.Series) -> str:
    s = s.dropna()
    if len(s) < 4:
        return "série trop courte"
    return mann_kendall(s).trend_fr


def verdicts(ctx: ReportContext) -> pd.DataFrame:
    """Verdicts of the territory against every applicable target (cached on the context)."""
    if ctx._verdicts is None:
        ids = {i for i in ctx.targets.get("indicator_id", pd.Series(dtype=object)).dropna()}
        data = {i: series(ctx, i) for i in ids}
        directions = {i.id: i.direction for i in ctx.catalogue}
        ctx._verdicts = (evaluate_targets(data, ctx.targets, ctx.geo_level, ctx.sigle, directions)
                         if len(ctx.targets) else pd.DataFrame())
    return ctx._verdicts


def light_html(category: str, label: str | None = None) -> str:
    """Traffic light + arrow + French label (colour never carries the information alone)."""
    name, color, arrow = traffic_light(category)
    label = label or CATEGORY_LABELS_FR[category]
    return (f'<span class="verdict"><span class="light" style="background:{color}" aria-hidden="true"></span>'
            f'<span class="arrow" aria-hidden="true">{arrow}</span> {html.escape(label)}</span>')


def headline_rows(ctx: ReportContext) -> list[dict]:
    """Key figures of the synthesis page: value, change, trend, verdict (HTML-ready)."""
    rows = []
    v_all = verdicts(ctx)
    for ind in ctx.catalogue.headlines():
        s = series(ctx, ind.id).dropna()
        if s.empty or ctx.year not in s.index:
            continue
        n = natures(ctx, ind.id)
        first = int(s.index.min())
        val, nat = value(ctx, ind.id)
        change = s[ctx.year] / s[first] - 1 if s[first] else math.nan
        best = best_verdict(v_all, ind.id) if len(v_all) else None
        if best is not None:
            cat = best["category"]
            label = f"{CATEGORY_LABELS_FR[cat]} — {_short_framework(best['framework'])}, {best['target_year']}"
            if not best["verified"]:
                label += " (objectif non vérifié)"
        elif ind.direction != "none" and len(s) >= 2:
            r = assess_progress(s, ind.direction)
            cat, label = r.category, f"{r.label_fr} (sans objectif chiffré)"
        else:
            cat, label = "not_assessable", "non évaluable"
        rows.append({"indicator": ind.short_title, "value": display(ind.id, val, ctx),
                     "change": fmt.percent(change, 0, signed=True), "first": first,
                     "indicator_id": ind.id,
                     "trend": trend_label(s), "verdict_html": light_html(cat, label),
                     "nature": NATURE_SHORT[worst_nature(n.loc[first:ctx.year])]})
    return rows


def _short_framework(fw: str) -> str:
    return (fw.replace("Régional (SRADDET Hauts-de-France)", "SRADDET").replace("National (SNBC, LTECV, LEC)", "national")
            .replace("Union européenne", "UE"))


def headline_table_html(ctx: ReportContext) -> str:
    rows = headline_rows(ctx)
    first = rows[0]["first"] if rows else ctx.first_year
    head = ["Indicateur", f"Valeur {ctx.year}", f"Depuis {first}", "Tendance", "Verdict", "Nature"]
    body = "".join(
        f'<tr><th scope="row">{html.escape(r["indicator"])}</th><td class="num">{html.escape(r["value"])}</td>'
        f'<td class="num">{html.escape(r["change"])}</td><td>{html.escape(r["trend"])}</td>'
        f'<td>{r["verdict_html"]}</td><td>{html.escape(r["nature"])}</td></tr>' for r in rows)
    return (f'<table class="pma-table synthesis"><caption>Indicateurs phares en {ctx.year} — {html.escape(ctx.name)}'
            f'</caption><thead><tr>{"".join(f"<th scope=col>{h}</th>" for h in head)}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def verdict_table_html(ctx: ReportContext, indicator_ids: list[str], caption: str) -> str:
    v = verdicts(ctx)
    if v.empty:
        return paragraph("Aucun objectif chiffré ne s'applique à ces indicateurs.")
    v = v.loc[v["indicator_id"].isin(indicator_ids)]
    skipped = int((v["category"] == "not_assessable").sum()) if len(v) else 0
    v = v.loc[v["category"] != "not_assessable"] if len(v) else v
    if v.empty:
        return paragraph("Aucun objectif chiffré évaluable ne s'applique à ces indicateurs"
                         + (f" ({skipped} objectif(s) non évaluable(s), voir l'annexe)." if skipped else "."))
    head = ["Indicateur", "Cadre", "Objectif", "Rythme observé", "Rythme nécessaire", "Verdict",
            "Encore nécessaire"]
    rows = []
    for r in v.sort_values(["indicator_id", "target_year"]).itertuples():
        title = ctx.catalogue[r.indicator_id].short_title
        obj = r.description + ("" if r.verified else " — ⚠ objectif non vérifié")
        if r.note:
            obj += f" ({r.note})"
        if r.category == "not_assessable":
            cells = [f'<td colspan="4">non évaluable : {html.escape(r.reason)}</td>']
        else:
            cells = [f'<td class="num">{fmt.percent(r.observed_rate, 1, signed=True)}/an</td>',
                     f'<td class="num">{fmt.percent(r.required_rate, 1, signed=True)}/an</td>',
                     f"<td>{light_html(r.category)}</td>",
                     f'<td class="num">{fmt.percent(r.still_required_rate, 1, signed=True) + "/an" if r.still_required_rate == r.still_required_rate else "—"}</td>']
        rows.append(f'<tr><th scope="row">{html.escape(title)}</th><td>{html.escape(_short_framework(r.framework))}</td>'
                    f"<td>{html.escape(obj)}</td>{''.join(cells)}</tr>")
    note = (paragraph(f"{skipped} autre(s) objectif(s) ne peu(ven)t pas être évalué(s) avec les données disponibles "
                      "(voir l'annexe).", "note") if skipped else "")
    return (f'<table class="pma-table verdicts"><caption>{html.escape(caption)}</caption><thead><tr>'
            f'{"".join(f"<th scope=col>{h}</th>" for h in head)}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            + note)


def unassessable_targets(ctx: ReportContext) -> list[str]:
    """Targets that could not be assessed, with the reason (annex)."""
    v = verdicts(ctx)
    if v.empty:
        return []
    v = v.loc[v["category"] == "not_assessable"]
    return [f"{_short_framework(r.framework)} — {r.document} : {r.description}"
            f"{'' if r.verified else ' (non vérifié)'} — {r.reason}" for r in v.itertuples()]


# --- tables ----------------------------------------------------------------------------------------

def population_table(ctx: ReportContext) -> pd.DataFrame:
    rows = []
    scope = [(ctx.geo_level, ctx.geo_code)] + ([("epci", c) for c in ctx.territory.epcis["epci_siren"]]
                                               if ctx.geo_level == "pma" else [])
    for level, code in scope:
        v1, n1 = value(ctx, "population", ctx.year, level, code)
        v0, _ = value(ctx, "population", ctx.first_year, level, code)
        rows.append({"Territoire": ctx.territory.name(level, code), f"Population {ctx.year}": fmt.number(v1),
                     f"Évolution depuis {ctx.first_year}": fmt.percent(v1 / v0 - 1, 1, signed=True),
                     "Nature": NATURE_LABELS_FR[n1]})
    return pd.DataFrame(rows)


def sector_table(ctx: ReportContext, prefix: str, sectors: list[str], total_id: str, per_hab: bool = True) -> pd.DataFrame:
    """Value, share and per-inhabitant value of each sector in the report year (titles and units from the catalogue)."""
    total, _ = value(ctx, total_id)
    pop, _ = value(ctx, "population")
    unit = ctx.catalogue[total_id].short_unit
    _, shown, _ = DISPLAY[unit]
    rows = []
    for s in sectors:
        v, n = value(ctx, f"{prefix}{s}")
        row = {"Secteur": SECTOR_LABELS[s], f"Valeur ({shown})": display(unit, v, with_unit=False),
               "Part du total": fmt.percent(v / total, 0) if total else fmt.MISSING}
        if per_hab:
            row[f"Par habitant ({unit.split('/')[0] if '/' in unit else unit}/hab)"] = fmt.number(v / pop, 2)
        rows.append(row)
    last = {"Secteur": "Total", f"Valeur ({shown})": display(unit, total, with_unit=False), "Part du total": fmt.percent(1.0, 0)}
    if per_hab:
        last[list(rows[0])[-1]] = fmt.number(total / pop, 2)
    rows.append(last)
    return pd.DataFrame(rows)


def carrier_table(ctx: ReportContext) -> pd.DataFrame:
    total, _ = value(ctx, "conso_energie_finale")
    rows = []
    for c, label in (("electricite", "Électricité"), ("gaz", "Gaz naturel"), ("produits_petroliers", "Produits pétroliers"),
                     ("bois_energie", "Bois-énergie")):
        v, n = value(ctx, f"conso_{c}")
        rows.append({"Énergie": label, "Consommation (GWh)": display("MWh", v, with_unit=False),
                     "Part": fmt.percent(v / total, 0), "Nature": NATURE_LABELS_FR[n]})
    return pd.DataFrame(rows)


def epci_comparison(ctx: ReportContext, iid: str = "ges_par_habitant") -> pd.Series:
    """Per-inhabitant values of the Pôle and its EPCIs, recomputed from totals (never averaged)."""
    out = {ctx.territory.name("pma", "PMA"): value(ctx, iid, level="pma", code="PMA")[0]}
    for c in ctx.territory.epcis["epci_siren"]:
        out[ctx.territory.name("epci", c)] = value(ctx, iid, level="epci", code=c)[0]
    return pd.Series(out)


# --- figures ------------------------------------------------------------------------------------

def _wide(ctx: ReportContext, prefix: str, codes: list[str]) -> tuple[pd.DataFrame, set[int]]:
    cols, demo = {}, set()
    for c in codes:
        s = series(ctx, f"{prefix}{c}")
        if s.notna().any():
            cols[c] = s
        n = natures(ctx, f"{prefix}{c}")
        demo |= {int(y) for y, v in n.items() if v == "demonstration"}
        ctx.natures_shown.update(n.unique())
    return pd.DataFrame(cols).sort_index(), demo


def emissions_figure(ctx: ReportContext) -> tuple[str, str]:
    wide, demo = _wide(ctx, "ges_", PCAET)
    fig = charts.stacked_sectors(wide, f"Émissions de gaz à effet de serre par secteur — {ctx.name}", "kt CO₂e",
                                 SOURCE_EMISSIONS, demo_years=demo, scale=1000)
    tot = wide.sum(axis=1, min_count=1) / 1000
    first, last = int(wide.index.min()), int(wide.index.max())
    top = wide.loc[ctx.year].sort_values(ascending=False)
    alt = (f"Histogramme empilé des émissions de gaz à effet de serre {ctx.of_name} par secteur, de {first} à {last}. "
           f"Total {first} : {fmt.number(tot[first], 0)} kt CO₂e ; total {last} : {fmt.number(tot[last], 0)} kt CO₂e. "
           f"En {ctx.year}, premiers secteurs : " + ", ".join(
               f"{SECTOR_LABELS[s].lower()} ({fmt.number(v / 1000, 0)} kt)" for s, v in top.head(3).items()) + "."
           + (f" Années de démonstration : {_years(demo)}." if demo else ""))
    return figure_html(fig, alt, "Émissions par secteur (périmètre PCAET, hors CO₂ biomasse)"), alt


def energy_figure(ctx: ReportContext) -> tuple[str, str]:
    wide, demo = _wide(ctx, "conso_", ENERGY_SECTORS)
    fig = charts.stacked_sectors(wide, f"Consommation d'énergie finale par secteur — {ctx.name}", "GWh",
                                 SOURCE_ENERGY, demo_years=demo, scale=1000)
    tot = wide.sum(axis=1, min_count=1) / 1000
    first, last = int(wide.index.min()), int(wide.index.max())
    alt = (f"Histogramme empilé de la consommation d'énergie finale {ctx.of_name} par secteur, de {first} à {last} : "
           f"{fmt.number(tot[first], 0)} GWh en {first}, {fmt.number(tot[last], 0)} GWh en {last}."
           + (f" Années de démonstration : {_years(demo)}." if demo else ""))
    return figure_html(fig, alt, "Consommation d'énergie finale par secteur, toutes énergies"), alt


def enr_figure(ctx: ReportContext) -> tuple[str, str]:
    wide, demo = _wide(ctx, "enr_production_", TECHS)
    colors = {"solaire_pv": PALETTE[1], "eolien": PALETTE[0], "bioenergies": PALETTE[2]}
    hatches = {"solaire_pv": "", "eolien": "//", "bioenergies": ".."}
    fig = charts.stacked(wide, f"Production d'électricité renouvelable — {ctx.name}", "GWh", SOURCE_ENR,
                         TECHNOLOGY_LABELS, colors, hatches, demo, scale=1000)
    tot = wide.sum(axis=1, min_count=1) / 1000
    first, last = int(wide.index.min()), int(wide.index.max())
    alt = (f"Histogramme empilé de la production d'électricité renouvelable {ctx.of_name} par filière : "
           f"{fmt.number(tot[first], 0)} GWh en {first}, {fmt.number(tot[last], 0)} GWh en {last}."
           + (f" Années de démonstration : {_years(demo)}." if demo else ""))
    return figure_html(fig, alt, "Production d'électricité renouvelable par filière (registre au 31/12)"), alt


def drivers_figure(ctx: ReportContext, start: int | None = None) -> tuple[str, str, pd.Series] | None:
    """LMDI waterfall of the change in emissions between ``start`` (default: first year) and the report year."""
    start = start or ctx.first_year
    try:
        eff = emissions_drivers(ctx.indicators, ctx.geo_level, ctx.geo_code, start, ctx.year)
    except (ValueError, KeyError):
        return None
    e0, e1 = value(ctx, "ges_total", start)[0], value(ctx, "ges_total")[0]
    labelled = pd.Series({FACTOR_LABELS_FR[k]: v / 1000 for k, v in eff.items()})
    fig = charts.waterfall((f"Émissions {start}", e0 / 1000), labelled, (f"Émissions {ctx.year}", e1 / 1000),
                           f"Ce qui a fait varier les émissions, {start}–{ctx.year} — {ctx.name}", "kt CO₂e",
                           SOURCE_EMISSIONS + " ; décomposition LMDI")
    alt = (f"Graphique en cascade : émissions {start} {fmt.number(e0 / 1000, 0)} kt CO₂e, puis "
           + " ; ".join(f"{k.lower()} {fmt.number(v, 0, signed=True)} kt" for k, v in labelled.items())
           + f", émissions {ctx.year} {fmt.number(e1 / 1000, 0)} kt CO₂e.")
    return figure_html(fig, alt, "Décomposition LMDI additive, chaînée d'année en année"), alt, eff


def map_figure(ctx: ReportContext, iid: str = "ges_par_habitant", year: int | None = None) -> tuple[str, str]:
    year = year or ctx.year
    v = ctx.indicators
    v = v.loc[(v["indicator_id"] == iid) & (v["geo_level"] == "commune") & (v["year"] == year)]
    if ctx.geo_level == "epci":
        v = v.loc[v["geo_code"].isin(ctx.territory.members("epci", ctx.geo_code))]
    vals = v.set_index("geo_code")["value"]
    shapes = load_shapes(ctx.paths)
    shapes = {c: shapes[c] for c in vals.index if c in shapes}
    ind = ctx.catalogue[iid]
    fig = maps.choropleth(shapes, vals, f"{ind.short_title} par commune en {year}", ind.short_unit,
                          SOURCE_EMISSIONS if iid.startswith("ges") else SOURCE_ENERGY)
    top = vals.sort_values(ascending=False).head(3)
    alt = (f"Carte des {len(vals)} communes {ctx.of_name} colorées selon « {ind.title} » en {year}, en cinq classes. "
           f"Valeurs les plus élevées : " + ", ".join(
               f"{ctx.territory.name('commune', c)} ({fmt.number(x, 1)} {ind.short_unit})" for c, x in top.items()) + ".")
    return figure_html(fig, alt, f"{ind.title}, {year}, par commune"), alt


def epci_figure(ctx: ReportContext) -> tuple[str, str]:
    values = epci_comparison(ctx)
    fig = charts.bars(values, f"Émissions par habitant en {ctx.year}", "t CO₂e par habitant",
                      SOURCE_EMISSIONS, decimals=1, highlight=ctx.name)
    alt = (f"Barres horizontales des émissions par habitant en {ctx.year} : "
           + " ; ".join(f"{k} {fmt.number(v, 1)} t CO₂e" for k, v in values.items()) + ".")
    return figure_html(fig, alt, f"Émissions par habitant du Pôle et de ses agglomérations en {ctx.year}"), alt


def _years(years: set[int]) -> str:
    ys = sorted(years)
    return f"{ys[0]} à {ys[-1]}" if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)) else ", ".join(map(str, ys))


# --- sentences -----------------------------------------------------------------------------------

def _targets_for_sentences(ctx: ReportContext) -> dict[str, dict]:
    """The target each key sentence refers to (the one shown on the synthesis page)."""
    v = verdicts(ctx)
    out = {}
    for iid in ("ges_total", "conso_energie_finale", "enr_elec_production"):
        b = best_verdict(v, iid) if len(v) else None
        if b is not None and b["still_required_rate"] == b["still_required_rate"]:
            fw = b["framework"]
            cadre = "du SRADDET" if "SRADDET" in fw else "national" if fw.startswith("National") else f"({fw})"
            out[iid] = {"year": int(b["target_year"]), "framework": cadre, "required_rate": b["still_required_rate"],
                        "achieved": b["category"] == "target_achieved", "verified": bool(b["verified"])}
    return out


def key_sentences(ctx: ReportContext, n: int = 4, short_caveat: bool = False) -> list[str]:
    """The territory's evolution sentences, most material first (``pma_eval.narrative``)."""
    directions = {i.id: i.direction for i in ctx.catalogue}
    sentences = territory_sentences(lambda iid, y: value(ctx, iid, y), ctx.of_name, ctx.first_year, ctx.year,
                                    directions, _targets_for_sentences(ctx), short_caveat=short_caveat)
    return [s.text for s in sentences[:n]]


def emissions_summary(ctx: ReportContext) -> str:
    total, nat = value(ctx, "ges_total")
    per_hab, _ = value(ctx, "ges_par_habitant")
    first = ctx.first_year
    t0, _ = value(ctx, "ges_total", first)
    text = (f"En {ctx.year}, les émissions de gaz à effet de serre {ctx.of_name} s'élèvent à "
            f"{display('t CO₂e', total)}, soit {display('t CO₂e/hab', per_hab)} "
            f"(population légale, millésime {ctx.year}) ; {_direction_words(total / t0 - 1)} depuis {first}.")
    return _with_caveat(text, nat)


def _with_caveat(text: str, nature: str) -> str:
    caveat = CAVEATS.get(nature)
    return f"{text} {caveat}" if caveat else text


def energy_summary(ctx: ReportContext) -> str:
    total, nat = value(ctx, "conso_energie_finale")
    per_hab, _ = value(ctx, "conso_energie_par_habitant")
    t0, _ = value(ctx, "conso_energie_finale", ctx.first_year)
    text = (f"En {ctx.year}, la consommation d'énergie finale {ctx.of_name} atteint {display('MWh', total)}, soit "
            f"{display('MWh/hab', per_hab)} ; {_direction_words(total / t0 - 1)} depuis {ctx.first_year}.")
    return _with_caveat(text, nat)


def enr_summary(ctx: ReportContext) -> str:
    prod, nat = value(ctx, "enr_elec_production")
    cov, _ = value(ctx, "couverture_elec_enr")
    pv, _ = value(ctx, "enr_puissance_solaire_pv")
    text = (f"En {ctx.year}, les installations renouvelables du territoire produisent {display('MWh', prod)} "
            f"d'électricité, soit {fmt.number(cov, 1)}\u00a0% de la consommation d'électricité ; la puissance "
            f"photovoltaïque installée atteint {display('kW', pv)}.")
    return _with_caveat(text, nat)


def drivers_sentence(ctx: ReportContext, eff: pd.Series, start: int) -> str:
    named = sorted(((FACTOR_LABELS_FR[k], v) for k, v in eff.items()), key=lambda kv: kv[1])
    main, v = named[0]
    return (f"Entre {start} et {ctx.year}, le facteur qui a le plus fait baisser les émissions est « {main.lower()} » "
            f"({fmt.number(v / 1000, 0, signed=True)} kt CO₂e)" + (
                f" ; « {named[-1][0].lower()} » les a fait augmenter ({fmt.number(named[-1][1] / 1000, 0, signed=True)} kt)."
                if named[-1][1] > 0 else "."))


def _direction_words(change: float) -> str:
    if change != change:
        return "évolution inconnue"
    if abs(change) < STABLE:
        return "un niveau stable"
    return f"{'une baisse' if change < 0 else 'une hausse'} de {fmt.percent(abs(change), 0)}"


# --- HTML helpers ----------------------------------------------------------------------------------

def figure_html(fig, alt: str, caption: str) -> str:
    """A figure as self-contained HTML: embedded PNG, text alternative, caption."""
    data = base64.b64encode(charts.to_png(fig)).decode("ascii")
    return (f'<figure class="pma-figure"><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}"/>'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def html_table(df: pd.DataFrame, caption: str, numeric: list[str] | None = None, long: bool = False) -> str:
    """An accessible HTML table: caption, header cells with scope, escaped content.

    ``long=True`` lets the PDF break the table across pages (header row repeated) instead of
    moving it whole to the next page."""
    numeric = numeric if numeric is not None else list(df.columns[1:])
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
    return (f'<table class="pma-table{" long" if long else ""}"><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def heading(text: str, level: int = 2) -> str:
    return f"<h{level}>{html.escape(text)}</h{level}>"


def paragraph(text: str, css: str | None = None) -> str:
    cls = f' class="{css}"' if css else ""
    return f"<p{cls}>{html.escape(text)}</p>"


def bullet_list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def has_demonstration(ctx: ReportContext) -> bool:
    v = ctx.indicators
    mine = v.loc[(v["geo_level"] == ctx.geo_level) & (v["geo_code"] == ctx.geo_code)]
    return bool((mine["nature"] == "demonstration").any())


# --- annex ----------------------------------------------------------------------------------------

def _input_groups(ctx: ReportContext) -> list[dict]:
    """Build inputs grouped by (format, nature): yearly snapshots of one source become one entry."""
    groups: dict[tuple, dict] = {}
    for inp in ctx.manifest.get("inputs", []):
        key = (inp.get("format"), inp.get("nature"))
        g = groups.setdefault(key, {**inp, "files": 0, "all_years": [], "caveats": list(inp.get("caveats") or [])})
        g["files"] += 1
        g["all_years"].append(str(inp.get("years") or ""))
        for c in inp.get("caveats") or []:
            if c not in g["caveats"]:
                g["caveats"].append(c)
    for g in groups.values():
        if g["files"] > 1:
            ys = sorted(g["all_years"])
            g["years"] = f"{ys[0]} à {ys[-1]}"
            g["title"] = (g.get("title") or "").split(" au 31/12/")[0] + f" ({g['files']} fichiers)"
    return list(groups.values())


def caveats(ctx: ReportContext) -> list[str]:
    """Caveats of the inputs behind the report, from the build manifest, in French, without repeats."""
    out, seen = [], set()
    for g in _input_groups(ctx):
        if g.get("format") in ("communes", "epci"):
            continue
        for c in g.get("caveats") or []:
            if c not in seen:
                seen.add(c)
                out.append(f"{g.get('title') or g['path']} — {c}")
    return out


def sources_table(ctx: ReportContext) -> pd.DataFrame:
    return pd.DataFrame([{"Donnée": g.get("title") or g["path"], "Producteur": g.get("producer") or "",
                          "Années": str(g.get("years") or ""), "Nature": NATURE_LABELS_FR.get(g["nature"], g["nature"]),
                          "Licence": g.get("licence") or ""} for g in _input_groups(ctx)])


def coverage_table(ctx: ReportContext) -> pd.DataFrame:
    """The coverage matrix of ``pma-eval data etat`` up to the report's year (annex)."""
    from .coverage import matrix

    if ctx.coverage is None or ctx.coverage.empty:
        return pd.DataFrame()
    m = matrix(ctx.coverage.loc[ctx.coverage["year"] <= ctx.year])
    m = m.reset_index()
    m.insert(0, "Donnée", (m.pop("thème") + " — " + m.pop("niveau")).map(lambda t: t[:1].upper() + t[1:]))
    m.columns = [str(c) for c in m.columns]
    return m


def coverage_notes(ctx: ReportContext) -> list[str]:
    """Legend, the rules for missing, secret and incomplete values, and what is missing (annex)."""
    from .coverage import RULES_FR, advice, extent_lines

    legend = ("Lettres : O observée, E estimée, D démonstration, S secret statistique, M manquante ; "
              "* : au moins une somme incomplète.")
    out = [legend, *RULES_FR]
    if ctx.coverage is not None:
        out += advice(ctx.coverage.loc[ctx.coverage["year"] <= ctx.year])
    return out + extent_lines(ctx.manifest.get("extent") or {})


def incomplete_note(ctx: ReportContext) -> str:
    """A sentence naming the years whose totals of the territory are incomplete, or ''."""
    v = ctx.indicators
    if "complete" not in v:
        return ""
    mine = v.loc[(v["geo_level"] == ctx.geo_level) & (v["geo_code"] == ctx.geo_code) & ~v["complete"].astype(bool)]
    if mine.empty:
        return ""
    parts = []
    for iid, g in mine.groupby("indicator_id", sort=False):
        if ctx.catalogue[iid].headline:
            parts.append(f"{ctx.catalogue[iid].short_title} ({_years(set(int(y) for y in g['year']))})")
    if not parts:
        return ""
    return ("Totaux incomplets (une partie manque dans les sources, voir « Couverture des données ») : "
            + " ; ".join(parts) + ".")


def nature_note(ctx: ReportContext) -> str:
    labels = [NATURE_LABELS_FR[n] for n in ("observed", "estimated", "demonstration", "secret") if n in ctx.natures_shown]
    return "Natures des données présentées : " + ", ".join(labels) + "." if labels else ""


METHODS = [
    "Indicateurs : catalogue unique (identifiants alignés sur Territoires en Transitions de l'ADEME quand ils existent) ; "
    "les ratios d'un EPCI ou du Pôle sont recalculés à partir des totaux, jamais moyennés.",
    "Tendance : test de Mann-Kendall (seuil 5 %, correction des ex-aequo et de continuité) et pente de Theil-Sen.",
    "Verdicts : méthode d'Eurostat pour le suivi des ODD — taux annuel moyen observé comparé au taux nécessaire "
    "pour atteindre l'objectif (rapport ≥ 95 % : progrès significatif ; 60 à 95 % : modéré ; 0 à 60 % : insuffisant ; "
    "négatif : éloignement). Sans objectif chiffré : ≥ 1 %/an dans le sens souhaité, progrès significatif, etc. "
    "Un objectif national ou régional est appliqué au territoire comme la même variation relative.",
    "Facteurs d'évolution : décomposition LMDI additive (Ang, 2005), chaînée d'année en année ; "
    "émissions = population × énergie par habitant × contenu carbone de l'énergie, par secteur.",
    "Population : population municipale légale du millésime égal à l'année de l'indicateur (millésime 2015 interpolé).",
]


# --- networks and actions (issue: mobilisation and the journey from narrative to action) ----------

NETWORK_IDS = ["evenements_total", "evenements_grand_forum", "evenements_rencontres", "participants_uniques",
               "organisations_uniques", "organisations_nouvelles", "part_participants_fideles", "diversite_shannon",
               "diversite_equitabilite", "couverture_epci", "part_public_elus", "part_public_jeunesse",
               "part_public_emploi"]


PEOPLE_COUNTS = {"participants_uniques", "organisations_uniques", "organisations_nouvelles", "participations_total"}


def has_activity(ctx: ReportContext) -> bool:
    return bool((ctx.indicators["indicator_id"] == "participants_uniques").any())


def network_table_html(ctx: ReportContext, years: int = 5) -> str:
    """Network indicators over the last years (counts under 5 shown « < 5 »)."""
    from .activity.indicators import small_count

    v = ctx.indicators.loc[(ctx.indicators["geo_level"] == "pma") & ctx.indicators["indicator_id"].isin(NETWORK_IDS)]
    ys = sorted(v["year"].unique())[-years:]
    head = "".join(f'<th scope="col">{y}</th>' for y in ys)
    rows = []
    for iid in NETWORK_IDS:
        s = v.loc[v["indicator_id"] == iid].set_index("year")["value"]
        unit = ctx.catalogue[iid].short_unit
        cells = []
        for y in ys:
            x = s.get(y, float("nan"))
            if iid in PEOPLE_COUNTS:
                cells.append(small_count(x))  # people: counts under 5 are not published
            elif unit == "nombre":
                cells.append(fmt.number(x))
            else:
                cells.append(fmt.percent(x / 100, 0) if unit == "%" else fmt.number(x, 2))
        rows.append(f'<tr><th scope="row">{html.escape(ctx.catalogue[iid].short_title)}</th>'
                    + "".join(f'<td class="num">{c}</td>' for c in cells) + "</tr>")
    return (f'<table class="pma-table"><caption>Mobilisation des réseaux animés par le Pôle</caption><thead><tr>'
            f'<th scope="col">Indicateur</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def participation_figure(ctx: ReportContext) -> tuple[str, str]:
    """Participants by organisation type over the years (stacked bars), with its text alternative."""
    from .activity.indicators import participation_by_org_type

    wide = participation_by_org_type(load("activity_events", ctx.paths), load("activity_participations", ctx.paths))
    wide = wide.loc[wide.index <= ctx.year]
    wide = wide.loc[:, wide.sum() > 0]
    demo = set(wide.index) if has_demonstration(ctx) else set()
    labels = {c: c[0].upper() + c[1:] for c in wide.columns}
    colors = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(wide.columns)}
    hatches = {c: ["", "//", "..", "xx", "\\\\"][i % 5] for i, c in enumerate(wide.columns)}
    fig = charts.stacked(wide, "Participants aux événements du Pôle par type d'organisation", "personnes",
                         "registres de la chargée d'évaluation (exemple fictif)", labels, colors, hatches, demo)
    last = wide.iloc[-1].sort_values(ascending=False)
    alt = (f"Histogramme empilé des participants distincts par type d'organisation, de {wide.index.min()} à "
           f"{wide.index.max()}. En {wide.index.max()} : " + ", ".join(
               f"{k} {v if v >= 5 else 'moins de 5'}" for k, v in last.head(5).items()) + ".")
    return figure_html(fig, alt, "Participants distincts par type d'organisation (chaque personne comptée une fois par an)"), alt


def network_sentences(ctx: ReportContext) -> list[str]:
    y0 = max(ctx.first_year, int(ctx.indicators.loc[ctx.indicators["indicator_id"] == "participants_uniques", "year"].min()))
    out = []
    for iid in ("participants_uniques", "organisations_uniques"):
        s = evolution_sentence(iid, "", y0, value(ctx, iid, y0)[0], ctx.year, value(ctx, iid)[0], "increase",
                               nature=value(ctx, iid)[1], short_caveat=True) if iid in subjects() else None
        if s:
            out.append(s.text.replace("  ", " ").replace(" ,", ","))
    h, nat = value(ctx, "diversite_equitabilite")
    out.append(f"En {ctx.year}, la diversité des participants atteint {fmt.number(h, 2)} sur une échelle de 0 "
               f"(un seul type d'organisation) à 1 (tous les types également représentés)"
               + (" (données de démonstration)." if nat == "demonstration" else "."))
    return out


def actions_table_html(ctx: ReportContext) -> str:
    """Per axis: commitments, actions by status, realisation, linked indicators with their verdict."""
    strategy = load("activity_strategy", ctx.paths)
    actions = load("activity_actions", ctx.paths)
    projects = load("activity_projects", ctx.paths)
    projects = projects.loc[(projects["labelled"].dt.year <= ctx.year) & (projects["status"] != "candidat")]
    actions = actions.loc[actions["start"].isna() | (actions["start"].dt.year <= ctx.year)]
    v = verdicts(ctx)
    rows = []
    for axis, grp in strategy.groupby("axis", sort=False):
        a = actions.loc[actions["commitment_id"].isin(grp["commitment_id"])]
        by_status = a["status"].value_counts()
        done = a.loc[a["status"] == "réalisé", "commitment_id"].nunique()
        inds = sorted({i.strip() for s in grp["indicators"] for i in s.split(",") if i.strip()})
        verdict_bits = []
        for iid in inds[:3]:
            b = best_verdict(v, iid) if len(v) else None
            label = ctx.catalogue[iid].short_title
            verdict_bits.append(light_html(b["category"], f"{label} : {CATEGORY_LABELS_FR[b['category']]}") if b is not None
                                else html.escape(f"{label} : —"))
        rows.append(f'<tr><th scope="row">{html.escape(axis)}</th><td class="num">{len(grp)}</td>'
                    f'<td>{"<br/>".join(html.escape(f"{k} : {n}") for k, n in by_status.items()) or "aucune action"}</td>'
                    f'<td class="num">{done} / {len(grp)}</td>'
                    f'<td class="num">{int((projects["axis"] == axis).sum())}</td><td>{"<br/>".join(verdict_bits)}</td></tr>')
    head = ["Axe", "Engagements", "Actions par statut", "Engagements concrétisés", "Projets labellisés",
            "Indicateurs liés et verdicts"]
    return (f'<table class="pma-table actions"><caption>Du récit aux actions : axes de la Turbine de l\'écotransition, '
            f'{ctx.year}</caption><thead><tr>{"".join(f"<th scope=col>{h}</th>" for h in head)}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')

"""The territory's energy and renewable trajectories beside its département's and its region's (issue 26).

The levels cover different scopes (the Pas-de-Calais on Enedis's network only, the region's gross consumption
on every network): their sums are never compared. Each series is indexed on a year they all have (base 100),
so that only the trajectories are set side by side; each level's scope note is printed under the chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ... import charts, fmt
from ...comparisons import indexed
from ...vocabulary import TERRITORY_COLORS, WHOLE_COLOR
from ...narrative.sentences import render
from ..blocks import Figure, Text
from ..context import ReportContext, _rows, formats_line, source_line
from .emissions import territory_color

LEVEL_FORMATS = ("enedis_conso_departement", "enedis_prod_departement", "odre_enr_region", "odre_conso_brute")


@dataclass(frozen=True)
class Theme:
    """What is compared: the territory's indicator and, for each level, the comparison table's variable."""

    indicator: str
    title: str  # « Consommation d'électricité »
    noun: str  # « la consommation d'électricité »
    departement: str
    region: str


THEMES = {
    "electricite": Theme("conso_electricite", "Consommation d'électricité", "la consommation d'électricité",
                         "conso_electricite", "conso_electricite_brute"),
    "enr": Theme("enr_elec_production", "Production d'électricité renouvelable",
                 "la production d'électricité renouvelable", "production_electricite_renouvelable",
                 "production_electricite_renouvelable"),
}
SCOPE_SHORT = {"departement": "réseau Enedis seulement", "region": "tous réseaux"}


def _departement(ctx: ReportContext) -> str:
    """The territory's département: the most frequent one among its communes (« 62 » for the Pôle)."""
    codes = ctx.territory.communes["code_insee"].astype(str).str[:2]
    return str(codes.mode().iloc[0]) if len(codes) else ""


def level_series(ctx: ReportContext, theme: str) -> dict | None:
    """The three series of ``theme`` (``electricite`` or ``enr``): label → (values by year, natures, complete,
    scope), the territory first; None without comparison levels."""
    th = THEMES[theme]
    if ctx.levels is None or ctx.levels.empty:
        return None
    own = _rows(ctx, th.indicator, None, None)
    if own.empty:
        return None
    out = {ctx.name: (own["value"], set(own["nature"]), own["complete"].astype(bool) if "complete" in own
                      else pd.Series(True, index=own.index), "")}
    lv = ctx.levels
    for level, code, var in (("departement", _departement(ctx), th.departement), ("region", None, th.region)):
        sel = lv.loc[(lv["geo_level"] == level) & (lv["variable"] == var) & (lv["breakdown"] == "total")]
        if code is not None:
            sel = sel.loc[sel["geo_code"] == code]
        sel = sel.loc[sel["year"] <= ctx.year].set_index("year").sort_index()
        if sel.empty:
            continue
        label = f"{sel['name'].iloc[0]} ({SCOPE_SHORT[level]})"
        out[label] = (sel["value"], set(sel["nature"]), sel["complete"].astype(bool), str(sel["scope"].iloc[0]))
    return out if len(out) > 1 else None


def level_frame(ctx: ReportContext, theme: str) -> tuple[pd.DataFrame, int | None, dict] | None:
    series = level_series(ctx, theme)
    if series is None:
        return None
    index, base = indexed({k: v[0] for k, v in series.items()})
    if base is None:
        return None
    return index, base, series


def _demo_years(series: dict, label: str) -> set[int]:
    values, natures, _, _ = series[label]
    return set(int(y) for y in values.index) if "demonstration" in natures else set()


def level_figure(ctx: ReportContext, theme: str) -> Figure | None:
    """Lines of the territory's, the département's and the region's trajectories, indexed on their first
    common year (base 100), with each level's scope under the chart."""
    got = level_frame(ctx, theme)
    if got is None:
        return None
    index, base, series = got
    th = THEMES[theme]
    own = ctx.name
    demo = _demo_years(series, own)
    colors = {own: territory_color(ctx, ctx.geo_level, ctx.geo_code) or WHOLE_COLOR}
    for label in index.columns[1:]:
        colors[label] = TERRITORY_COLORS["departement" if "Enedis" in label else "region"]
    labels = {own: own + (" (démonstration)" if demo else "")}
    src = " ; ".join(dict.fromkeys([source_line(ctx, [th.indicator]), formats_line(ctx.manifest, LEVEL_FORMATS)]))
    title = f"{th.title} : trajectoires comparées\n(indice, base 100 en {base})"

    def make():
        return charts.index_lines(index, title, src, labels, colors, demo_years=demo, base_year=base,
                                  demo_columns={own}, from_zero=False)

    incomplete = [k for k, v in series.items() if k != own and not v[2].reindex(index.index).fillna(True).all()]
    caption = render("annuel/niveaux_legende.j2", debut=base, demo=bool(demo),
                     portees=[{"nom": k.split(" (")[0], "portee": v[3]} for k, v in series.items() if k != own],
                     incompletes=[k.split(" (")[0] for k in incomplete])
    last = index.ffill().iloc[-1]
    alt = render("annuel/niveaux_alternative.j2", sujet=th.noun, debut=base,
                 series=[{"nom": labels.get(k, k), "indice": fmt.number(float(v), 0),
                          "annee": int(index[k].last_valid_index())} for k, v in last.items()])
    natures = frozenset(n for v in series.values() for n in v[1])
    return Figure(make(), alt, caption, index, (src,), natures, make)


def level_sentence(ctx: ReportContext, theme: str) -> Text | None:
    """« Entre 2013 et 2017, la consommation d'électricité du Pôle (valeurs de démonstration) passe de l'indice
    100 à 99, contre 97 dans le Pas-de-Calais (réseau Enedis seulement) et 96 dans les Hauts-de-France… »"""
    got = level_frame(ctx, theme)
    if got is None:
        return None
    index, base, series = got
    th = THEMES[theme]
    own = ctx.name
    common = index.dropna()
    end = int(common.index.max())
    demo = bool(_demo_years(series, own))
    def partial(k: str, year: int) -> bool:
        return not bool(series[k][2].get(year, True))

    own_end = float(common.at[end, own])
    later = {k: int(index[k].last_valid_index()) for k in index.columns if int(index[k].last_valid_index()) > end}
    text = render("annuel/niveaux.j2", debut=base, fin=end, sujet=th.noun, de_territoire=ctx.of_name, demo=demo,
                  indice=None if round(own_end) == 100 else fmt.number(own_end, 0),
                  autres=[{"valeur": fmt.number(float(common.at[end, k]), 0), "dans": _dans(k),
                           "portee": k.split(" (", 1)[1].rstrip(")"), "incomplet": partial(k, end)}
                          for k in index.columns if k != own],
                  plus_tard=[{"annee": y, "valeurs": [{"valeur": fmt.number(float(index.at[y, k]), 0),
                                                       "territoire": k == own, "dans": _dans(k),
                                                       "incomplet": partial(k, y)}
                                                      for k, yk in later.items() if yk == y]}
                             for y in sorted(set(later.values()))])
    natures = frozenset(n for v in series.values() for n in v[1])
    return Text(text, natures=natures)


#: Départements and regions named with « les » or « la » (the others: « l' » before a vowel, else « le »).
_PLURAL = {"Alpes-de-Haute-Provence", "Alpes-Maritimes", "Ardennes", "Bouches-du-Rhône", "Côtes-d'Armor", "Deux-Sèvres",
           "Hautes-Alpes", "Hautes-Pyrénées", "Hauts-de-Seine", "Landes", "Pyrénées-Atlantiques", "Pyrénées-Orientales",
           "Vosges", "Yvelines", "Hauts-de-France", "Pays de la Loire"}
_FEMININE = {"Charente", "Charente-Maritime", "Corrèze", "Corse-du-Sud", "Haute-Corse", "Côte-d'Or", "Creuse",
             "Dordogne", "Drôme", "Gironde", "Haute-Garonne", "Haute-Loire", "Haute-Marne", "Haute-Saône",
             "Haute-Savoie", "Haute-Vienne", "Loire", "Loire-Atlantique", "Lozère", "Manche", "Marne", "Mayenne",
             "Meurthe-et-Moselle", "Meuse", "Moselle", "Nièvre", "Sarthe", "Savoie", "Seine-Maritime",
             "Seine-Saint-Denis", "Seine-et-Marne", "Somme", "Vendée", "Vienne", "Guadeloupe", "Martinique", "Guyane",
             "La Réunion", "Normandie", "Bretagne", "Nouvelle-Aquitaine", "Bourgogne-Franche-Comté", "Corse",
             "Provence-Alpes-Côte d'Azur"}
_WITHOUT = {"Paris", "Mayotte", "La Réunion"}


def _dans(label: str) -> str:
    """« le Pas-de-Calais », « les Hauts-de-France », « l'Aisne », « la Somme », from a level's label (a département
    or a region: the name before « ( »)."""
    name = label.split(" (")[0]
    if name in _WITHOUT:
        return name
    if name in _PLURAL:
        return "les " + name
    if name in _FEMININE:
        return "la " + name
    return ("l'" if name[:1].lower() in "aeiouyéèêîô" or name.startswith("Hérault") else "le ") + name

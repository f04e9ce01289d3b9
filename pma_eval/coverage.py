"""Coverage of the processed data: theme × level × year, with the nature of every value.

Pure functions over the processed tables. ``pma-eval data etat`` prints the table (also at the
end of ``data build``), and the annual report's annex shows it, so that a user sees at a glance
what is observed, estimated, demonstration, secret or missing, and which download would fill it.
"""

from __future__ import annotations

import pandas as pd

from . import fmt
from .territory import Territory, Whole

#: Processed table → French theme label, and the download or template that fills it.
THEMES = {
    "population": ("population", "populations légales INSEE (data/raw/population)"),
    "emissions": ("émissions de GES", "inventaire de l'observatoire régional ou d'Atmo Hauts-de-France "
                                      "(modèle : pma-eval data modele) ou IGT du CITEPA (pma-eval data add)"),
    "energy": ("consommation d'énergie", "pma-eval data fetch ore --annees {years}"),
    "heat_networks": ("chaleur des réseaux", "une livraison du SDES « consommation de chaleur à la maille IRIS » "
                                             "couvrant ces années (pma-eval data add) ; 2019 et 2021 ne sont dans "
                                             "aucune livraison publiée"),
    "renewables": ("électricité renouvelable", "pma-eval data fetch odre --annees {years}"),
    "biomethane": ("biométhane (capacités)", "registre ODRÉ des points d'injection de biométhane (pma-eval data add)"),
    "degree_days": ("degrés-jours", "l'indice de rigueur mensuel du SDES pris à sa source, sans tableur (pma-eval "
                                    "data add … --remplace prix-energie-et-indice-de-rigueur-mensuels.csv)"),
}
#: Themes that are part of a processed table (theme → table, rows kept), shown over the years of the other themes.
PARTS = {
    "heat_networks": ("energy", {"carrier": "chaleur_reseau"}),
    "biomethane": ("renewables_heat", {"technology": "biomethane", "variable": "injection_capacity"}),
    "degree_days": ("climate", {"variable": "dju"}),
}
#: Themes where a commune without any value that year is a gap (every commune has inhabitants,
#: emissions and electricity); elsewhere (the installations register) it has none.
ABSENT_IS_MISSING = ("population", "emissions", "energy")
#: The rules behind "observed", "missing" and "incomplete", written once: printed by
#: ``data etat`` and in the annual report's annex (:func:`rules_fr`, ``{de}`` being the whole territory after
#: « de »: « du Pôle »).
_RULES = [
    "Une valeur manquante n'est jamais un zéro. Une case vide de l'inventaire pour un secteur que toute commune "
    "habitée possède (transport routier, résidentiel, tertiaire) est une lacune : le total de la commune, celui de "
    "son agglomération et celui {de} sont alors marqués incomplets. Une case vide d'un autre secteur (industrie, "
    "branche énergie, agriculture, déchets, autres transports d'un village) traduit l'absence de l'activité : zéro.",
    "Le secret statistique (Agence ORE, SDES) rend une valeur inconnue, jamais nulle. La somme d'une agglomération "
    "ou {de} qui contient une part secrète est la somme des parts connues, marquée incomplète (un minimum).",
    "L'électricité est attendue dans toutes les communes ; une autre énergie, dans les communes qui l'ont au moins "
    "une année. Une commune attendue et absente des sources rend incomplet le total de son agglomération et {de}.",
    "Les données observées remplacent les données de démonstration là où elles les couvrent : même commune, même "
    "année et même énergie pour l'Agence ORE (tous ses secteurs, « non affecté » compris, forment alors la "
    "consommation de cette énergie) et pour les livraisons des réseaux de chaleur du SDES (énergie « réseau de "
    "chaleur », placée par le code IRIS ; 2019, 2021 et les années avant 2018 ne sont dans aucune livraison : la "
    "chaleur des réseaux y est manquante et les totaux qui la comprendraient sont incomplets) ; même année et même zone "
    "pour le registre ODRÉ ; même secteur pour "
    "un inventaire saisi dans le modèle. Un total qui mêle des valeurs observées et de démonstration est de "
    "démonstration.",
    "Un registre (ODRÉ) liste toutes les installations de la zone téléchargée, mais la zone n'est pas écrite dans "
    "le fichier : ses métadonnées la disent (etendue : ses seules communes, leurs agglomérations entières ou des "
    "départements entiers). Dans cette zone, une commune sans ligne n'a aucune installation ; hors de cette zone, "
    "une commune garde ses autres valeurs, et si aucune source ne parle d'elle, le total de son agglomération et "
    "{de} est marqué incomplet.",
]
STATES = ("observed", "estimated", "demonstration", "secret", "missing")
STATE_FR = {"observed": "observée", "estimated": "estimée", "demonstration": "démonstration",
            "secret": "secret", "missing": "manquante"}
LETTER = {"observed": "O", "estimated": "E", "demonstration": "D", "secret": "S", "missing": "M"}


def _whole() -> Whole | None:
    """The names of the territory in use (None if its declaration cannot be read: generic words then)."""
    from .errors import PmaEvalError
    from .territory import whole_in_use

    try:
        return whole_in_use()
    except PmaEvalError:
        return None


def whole_label(whole: Whole | None = None) -> str:
    """The whole territory's level in a table row: the noun of its designation (« Pôle », « Agglomération »)."""
    whole = whole or _whole()
    if whole is None or not whole.subject:
        return "Territoire"
    noun = whole.subject.split(" ", 1)[-1] if whole.subject[:3] in ("le ", "la ") else whole.subject.split("'", 1)[-1]
    return noun[:1].upper() + noun[1:]


#: The rules of a territory of one EPCI: its EPCI is the whole, named once.
_ONE_EPCI = ((", celui de son agglomération et celui {de} sont", " et celui de son agglomération sont"),
             (" ou {de} qui contient", " qui contient"), (" son agglomération et {de}.", " son agglomération."),
             (" son agglomération et {de} est", " son agglomération est"))


def rules_fr(whole: Whole | None = None) -> list[str]:
    """The rules for a territory (default: the one in use), in French; one of a single EPCI names its agglomeration
    once. Always given the territory at hand where there is one: a process may publish several."""
    whole = whole or _whole()
    rules = list(_RULES)
    if whole is not None and whole.epcis == 1:
        for old, new in _ONE_EPCI:
            rules = [r.replace(old, new) for r in rules]
    return [r.format(de=whole.of if whole else "du territoire") for r in rules]


def level_fr(whole: Whole | None = None) -> dict[str, str]:
    """``geo_level`` → its French label for a territory (default: the one in use)."""
    return {"commune": "commune", "epci": "EPCI", "pma": whole_label(whole)}



def coverage_table(tables: dict[str, pd.DataFrame], territory: Territory) -> pd.DataFrame:
    """Count the values of each theme, level and year by state.

    A value is ``secret`` when its nature says so; ``missing`` when it is unknown for another
    reason (a gap of the source), and at commune level each commune with no value at all that
    year counts once as missing (:data:`ABSENT_IS_MISSING`). ``incomplete`` counts the sums flagged ``complete = False``.

    Returns
    -------
    DataFrame
        ``theme, geo_level, year, observed, estimated, demonstration, secret, missing,
        incomplete``.
    """
    rows = []
    n_communes = len(territory.communes)
    span = {int(y) for name in THEMES if name not in PARTS and tables.get(name) is not None for y in tables[name]["year"]}
    for name in THEMES:
        df = tables.get(PARTS[name][0] if name in PARTS else name)
        if df is not None and name in PARTS:
            keep = pd.Series(True, index=df.index)
            for col, val in PARTS[name][1].items():
                keep &= df[col].eq(val) if col in df else False
            df = df.loc[keep & (df["year"].between(min(span), max(span)) if span else keep)]
        if df is None or df.empty:
            continue
        state = df["nature"].where(df["value"].notna() | df["nature"].eq("secret"), "missing")
        complete = df["complete"] if "complete" in df else pd.Series(True, index=df.index)
        frame = pd.DataFrame({"geo_level": df["geo_level"], "year": df["year"], "state": state,
                              "incomplete": ~complete.astype(bool)})
        counts = pd.crosstab([frame["geo_level"], frame["year"]], frame["state"])
        counts = counts.reindex(columns=list(STATES), fill_value=0)
        counts["incomplete"] = frame.groupby(["geo_level", "year"])["incomplete"].sum()
        present = df.loc[df["geo_level"] == "commune"].groupby("year")["geo_code"].nunique()
        for year, n in (present.items() if name in ABSENT_IS_MISSING else ()):
            if ("commune", year) in counts.index:
                counts.loc[("commune", year), "missing"] += n_communes - int(n)
        counts = counts.reset_index().assign(theme=name)
        rows.append(counts)
    if not rows:
        return pd.DataFrame(columns=["theme", "geo_level", "year", *STATES, "incomplete"])
    out = pd.concat(rows, ignore_index=True)
    out[list(STATES) + ["incomplete"]] = out[list(STATES) + ["incomplete"]].astype(int)
    order = {"commune": 0, "epci": 1, "pma": 2}
    out = out.assign(_t=out["theme"].map(list(THEMES).index), _l=out["geo_level"].map(order))
    return out.sort_values(["_t", "_l", "year"]).drop(columns=["_t", "_l"]).reset_index(drop=True)[
        ["theme", "geo_level", "year", *STATES, "incomplete"]]


def cell(row: pd.Series) -> str:
    """Letters of the states present (O, E, D, S, M), ``*`` when a sum is incomplete."""
    text = "".join(LETTER[s] for s in STATES if row[s] > 0)
    return text + ("*" if row["incomplete"] > 0 else "")


def matrix(cov: pd.DataFrame) -> pd.DataFrame:
    """Theme × level rows, one column per year, each cell the letters of :func:`cell`."""
    if cov.empty:
        return pd.DataFrame()
    m = cov.assign(cell=cov.apply(cell, axis=1),
                   thème=cov["theme"].map(lambda t: THEMES[t][0]), niveau=cov["geo_level"].map(level_fr()))
    wide = m.pivot_table(index=["thème", "niveau"], columns="year", values="cell", aggfunc="first", sort=False)
    return wide.fillna("—")


def _ranges(years: list[int]) -> str:
    years = sorted(set(years))
    out, start = [], None
    for i, y in enumerate(years):
        if start is None:
            start = y
        if i + 1 == len(years) or years[i + 1] != y + 1:
            out.append(str(start) if start == y else f"{start}-{y}")
            start = None
    return ",".join(out)


def advice(cov: pd.DataFrame) -> list[str]:
    """French lines naming, per theme, the years without observed commune values and what fills them."""
    lines = []
    com = cov.loc[cov["geo_level"] == "commune"]
    for name, (label, source) in THEMES.items():
        t = com.loc[com["theme"] == name]
        if t.empty:
            continue
        lacking = [int(y) for y, r in t.set_index("year").iterrows() if r["observed"] == 0 and r["estimated"] == 0]
        partial = [int(y) for y, r in t.set_index("year").iterrows()
                   if r["observed"] > 0 and (r["demonstration"] > 0 or r["missing"] > 0)]
        label = label[:1].upper() + label[1:]
        if lacking:
            lines.append(f"{label} : aucune valeur observée par commune pour {_ranges(lacking).replace(',', ', ')} "
                         f"— à combler avec : {source.format(years=_ranges(lacking))}")
        if partial:
            lines.append(f"{label} : valeurs observées partielles pour {_ranges(partial).replace(',', ', ')} "
                         "(le reste est de démonstration ou manquant)")
    return lines


def summary_line(cov: pd.DataFrame) -> str:
    """One line for the end of ``data build``: shares of observed and demonstration values."""
    if cov.empty:
        return "Couverture : aucune donnée."
    com = cov.loc[cov["geo_level"] == "commune"]
    total = int(com[list(STATES)].sum().sum())
    parts = [f"{100 * int(com[s].sum()) / total:.0f} % {STATE_FR[s]}" for s in STATES if com[s].sum() > 0]
    incomplete = int(cov["incomplete"].sum())
    whole = _whole()
    tail = (f" ; {incomplete} sommes incomplètes (lacunes portées jusqu'aux EPCI et "
            f"{whole.to if whole else 'au territoire'})" if incomplete else "")
    return "Couverture des valeurs communales : " + ", ".join(parts) + tail + " — détail : pma-eval data etat"


def render_text(cov: pd.DataFrame) -> str:
    """The coverage matrix and advice as plain text for the terminal."""
    m = matrix(cov)
    if m.empty:
        return "Aucune donnée construite."
    head = ("Couverture des données (O observée, E estimée, D démonstration, S secret statistique, "
            "M manquante, * somme incomplète)")
    labels = [f"{t} — {lv}" for t, lv in m.index]
    width = max(len(x) for x in labels)
    cols = [str(c) for c in m.columns]
    w = [max(len(c), *(len(str(v)) for v in m[c0])) for c, c0 in zip(cols, m.columns)]
    lines = [head, " " * width + "  " + " ".join(c.rjust(wi) for c, wi in zip(cols, w))]
    for label, (_, row) in zip(labels, m.iterrows()):
        lines.append(label.ljust(width) + "  " + " ".join(str(v).rjust(wi) for v, wi in zip(row, w)))
    tips = advice(cov)
    if tips:
        lines += ["", "Ce qui manque :"] + [f"  - {t}" for t in tips]
    lines += ["", "Règles :"] + [f"  - {r}" for r in rules_fr()]
    return "\n".join(lines)


def extent_lines(extent: dict[str, dict]) -> list[str]:
    """Per file, one French line: rows left out because outside the territory, rows without a commune."""
    lines = []
    whole = _whole()
    outside = f"hors {whole.of}" if whole else "hors du territoire"
    for path, e in sorted(extent.items()):
        out, unplaced = e.get("hors_territoire") or {}, e.get("sans_commune") or {}
        parts = []
        if out.get("rows"):
            parts.append(f"{fmt.count(out['rows'], 'ligne')} de {fmt.count(out['communes'], 'territoire')} {outside} "
                         f"{'laissée' if out['rows'] < 2 else 'laissées'} de côté")
        if unplaced.get("rows"):
            one = unplaced["rows"] < 2
            parts.append(f"{fmt.count(unplaced['rows'], 'ligne')} sans code commune ({unplaced['capacity_kw']:.0f} kW), "
                         f"{'comptée' if one else 'comptées'} à part : {'elle ne peut' if one else 'elles ne peuvent'} "
                         "être rattachée" + ("" if one else "s") + " à une commune")
        if parts:
            lines.append(f"{path} : " + " ; ".join(parts))
    return lines


#: Shown by ``data etat`` of the values outside the catalogue's plausible range (all are in the manifest).
SHOWN_IMPLAUSIBLE = 20
#: Why a value outside the catalogue's plausible range is kept: it may well be real.
IMPLAUSIBLE_REASON = ("gardées et signalées, jamais écartées : une valeur hors de la plage habituelle peut être "
                      "réelle (une usine, une centrale ou une plateforme logistique dans une petite commune), "
                      "ou venir d'une erreur de saisie à vérifier à la source")


def plausibility_lines(flags: list[dict], territory, catalogue, shown: int = SHOWN_IMPLAUSIBLE) -> list[str]:
    """One French line per value of the manifest's ``plausibility`` list, largest departure first, and one
    line counting those not shown."""
    def departure(f: dict) -> float:
        low, high = f.get("low"), f.get("high")
        return (f["value"] / high if high and f["value"] > high else
                (low / f["value"] if f["value"] and low else float("inf")))

    lines = []
    for f in sorted(flags, key=departure, reverse=True)[:shown]:
        ind = catalogue[f["indicator_id"]]
        low = "…" if f.get("low") is None else fmt.number_trimmed(f["low"])
        high = "…" if f.get("high") is None else fmt.number_trimmed(f["high"])
        lines.append(f"{territory.name(f['geo_level'], f['geo_code'])}, {f['year']} : {ind.title} "
                     f"{fmt.number_trimmed(f['value'])} {ind.short_unit} (plage habituelle de {low} à {high})")
    more = len(flags) - shown
    return lines + ([f"… et {fmt.count(more, 'autre')}"] if more > 0 else [])


def render_plausibility(flags: list[dict], territory, catalogue) -> str:
    """:func:`plausibility_lines` as a block of text for ``data etat`` ('' if none)."""
    if not flags:
        return ""
    lines = plausibility_lines(flags, territory, catalogue)
    if lines[-1].startswith("…"):
        lines[-1] += " (liste complète : data/processed/manifest.json, « plausibility »)"
    return "\n".join([f"Valeurs hors de la plage plausible du catalogue ({len(flags)}), {IMPLAUSIBLE_REASON} :",
                      *(f"  - {x}" for x in lines)])


def render_extent(extent: dict[str, dict]) -> str:
    """:func:`extent_lines` as a block of text for the terminal ('' when there is nothing to say)."""
    lines = extent_lines(extent)
    return ("Étendue des fichiers lus :\n" + "\n".join(f"  - {x}" for x in lines)) if lines else ""


#: Incomplete sums cited one by one by ``data etat`` (all are in the manifest's ``parts``).
SHOWN_PARTS = 20


def _names(codes: list[str], territory, shown: int = 3) -> str:
    names = [territory.name("commune", c) for c in codes[:shown]]
    return ", ".join(names) + (f" et {fmt.count(len(codes) - shown, 'autre')}" if len(codes) > shown else "")


def parts_line(e: dict, territory, years: str | None = None) -> str:
    """« CALL, industrie…, électricité, 2022 : somme connue de 21 communes sur 36 ; inconnues : 15 cellules au
    secret statistique (Ablain-Saint-Nazaire, Acheville, Avion et 12 autres) » — what an incomplete sum (read
    « au moins ») knows of its communes (an entry of the manifest's ``parts``; ``years`` for several years
    that say the same)."""
    where = f"{e['where']}, {years or e['year']}"
    unknown = []
    if e["secret"]:
        unknown.append(f"{fmt.count(len(e['secret']), 'cellule')} au secret statistique ({_names(e['secret'], territory)})")
    if e["partial"]:
        unknown.append(f"{fmt.count(len(e['partial']), 'commune')} à valeur incomplète ({_names(e['partial'], territory)})")
    if e["absent"]:
        unknown.append(f"{fmt.count(len(e['absent']), 'commune')} dont aucune source ne parle "
                       f"({_names(e['absent'], territory)})")
    if not unknown:  # the build knew the sum incomplete without naming its communes
        return f"{where} : somme incomplète, des communes dont aucune source ne parle"
    text = (f"{where} : somme connue de {fmt.count(e['known'], 'commune')} sur {e['members']} ; "
            f"inconnue{'s' * (len(unknown) > 1 or len(e['secret'] + e['partial'] + e['absent']) > 1)} : "
            + ", ".join(unknown))
    if e.get("published") is not None:
        text += (" ; la valeur publiée pour ce territoire, qui les comptait, n'est plus retenue depuis qu'une de ses "
                 "communes est observée : la somme recalculée ne le peut pas")
    return text


def render_parts(parts: list[dict], territory, shown: int = SHOWN_PARTS) -> str:
    """The incomplete sums of the manifest's ``parts`` (one line each, up to ``shown``) and one line counting the
    published values that hold secret cells of their communes ('' when none)."""
    groups: dict[tuple, list[dict]] = {}
    for e in (e for e in parts if e["origin"] == "aggregate"):  # the years that say the same, in one line
        same = (e["label"], e["where"], e["members"], e["known"], *map(tuple, (e["secret"], e["partial"], e["absent"])),
                e.get("published") is None)
        groups.setdefault(same, []).append(e)
    sums = [(g[0], _ranges([e["year"] for e in g]).replace(",", ", ")) for g in groups.values()]
    given = [e for e in parts if e["origin"] == "given" and e["secret"]]
    lines = [parts_line(e, territory, years) for e, years in sums[:shown]]
    if len(sums) > shown:
        lines.append(f"… et {fmt.count(len(sums) - shown, 'autre')} (liste complète : data/processed/manifest.json, "
                     "« parts »)")
    if given:
        e = max(given, key=lambda x: len(x["secret"]))
        lines.append(f"{fmt.count(len(given), 'valeur publiée', 'valeurs publiées')} pour une agglomération "
                     f"compte{'nt' * (len(given) > 1)} des cellules au secret statistique de ses communes : elle"
                     f"{'s' * (len(given) > 1)} dépasse{'nt' * (len(given) > 1)} la somme des communes connues de la "
                     f"part de ces cellules (par exemple {e['where']}, {e['year']} : {fmt.count(len(e['secret']), 'commune')} au "
                     f"secret sur {e['members']})")
    if not lines:
        return ""
    return "\n".join(["Sommes à parts inconnues (« au moins ») : ce qui est connu de leurs communes",
                      *(f"  - {x}" for x in lines)])

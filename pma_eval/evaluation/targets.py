"""Targets linked to indicators, and the verdicts of a territory against every framework.

Every verdict follows the one pace rule of :mod:`pma_eval.evaluation.progress` (short term, and long
term where the series allows it). A target not verified on a copy of its text is shown
« à vérifier » (category ``to_verify``, its pace kept in ``pace_category`` for the analyst) and never
drives a synthesis. A net-emissions target (carbon neutrality) cannot be judged on gross emissions:
it is judged on net emissions (``ges_nettes``: gross emissions minus the sequestration entered from
ADEME ALDO outputs) and stays « non évaluable » where no sequestration is entered.

The shipped targets are relative changes (``-0.30`` = −30 % versus a reference year), factors
(``×2``) or absolute values (1.1 t CO₂e per inhabitant, zero emissions). A national or regional
target is applied to the whole territory and to each EPCI as the same relative change (the usual
territorialisation by proportion); a local (PCAET) target applies to its own territory only.
A target whose reference year lies outside the data, or whose indicator the workbench does not
compute, is kept and shown as "non évaluable" with the reason.
"""

from __future__ import annotations

import math
import re
import unicodedata

import pandas as pd

from .. import fmt
from ..vocabulary import with_accents
from .progress import CATEGORY_LABELS_FR, assess_progress, assess_terms

#: (indicateur, secteur) of the targets file → indicator id of the catalogue.
INDICATOR_MAP = {
    ("emissions_GES_brutes", "tous"): "ges_total",
    ("emissions_GES", "tous"): "ges_total",
    ("emissions_GES", "industrie"): "ges_industrie_hors_energie",
    ("emissions_GES", "agriculture"): "ges_agriculture",
    ("emissions_GES", "dechets"): "ges_dechets",
    ("emissions_GES", "transports"): "ges_transports",
    ("emissions_GES", "batiment"): "ges_batiments",
    ("emissions_GES", "batiments"): "ges_batiments",
    ("emissions_GES", "production_energie"): "ges_branche_energie",
    ("emissions_GES_par_habitant", "tous"): "ges_par_habitant",
    ("consommation_energie", "tous"): "conso_energie_finale",
    ("consommation_energie_finale", "tous"): "conso_energie_finale",
    ("production_EnR", "tous"): "enr_production_totale",
    # Shares of renewables in consumption (LTECV, LEC, SRCAE): the local production over the local final
    # consumption, in %.
    ("part_EnR_consommation_energie", "tous"): "part_enr_conso_finale",
    ("part_EnR_consommation_finale_brute", "tous"): "part_enr_conso_finale",
    ("part_EnR_mix_energetique", "tous"): "part_enr_conso_finale",
    ("emissions_GES_nettes", "tous"): "ges_nettes",
    # Air pollutants (PRÉPA, décret n° 2017-949): national totals against 2005.
    ("emissions_SO2", "tous"): "air_so2",
    ("emissions_NOx", "tous"): "air_nox",
    ("emissions_COVNM", "tous"): "air_covnm",
    ("emissions_NH3", "tous"): "air_nh3",
    ("emissions_PM2.5", "tous"): "air_pm25",
    ("emissions_PM10", "tous"): "air_pm10",
}
SHARE_NOTE = "production locale rapportée à la consommation locale, sans l'énergie renouvelable importée"
#: Approximations made by the mapping, shown next to the verdict.
MAPPING_NOTES = {
    "production_EnR": "électricité, chaleur et biométhane produits sur le territoire",
    "part_EnR_consommation_energie": SHARE_NOTE,
    "part_EnR_consommation_finale_brute": SHARE_NOTE + " ; consommation finale et non finale brute",
    "part_EnR_mix_energetique": SHARE_NOTE,
    ("emissions_GES", "industrie"): "industrie hors branche énergie",
}
#: The same caveats in a few words, for the key-figure tables.
SHORT_NOTES = {SHARE_NOTE: "production locale seulement", "électricité, chaleur et biométhane produits sur le "
               "territoire": "production locale"}
#: A consumption target is judged on the climate-corrected series where it covers every year of the
#: raw one (as the national follow-up of the energy targets is): a mild year is not read as progress.
CLIMATE_CORRECTED = {"conso_energie_finale": "conso_energie_finale_corrigee"}
CORRECTED_NOTE = "consommation à climat normal"
SHORT_NOTES[CORRECTED_NOTE] = "à climat normal"


def short_note(note: str) -> str:
    """« production locale seulement ; à climat normal »: the caveats of a verdict in a few words."""
    parts = (p.strip() for p in str(note or "").split(";"))
    return " ; ".join(dict.fromkeys(SHORT_NOTES[p] for p in parts if p in SHORT_NOTES))


#: Indicators of the targets file about *net* emissions (gross emissions minus sequestration).
NET_INDICATORS = ("emissions_GES_nettes",)
NET_REASON = "objectif d'émissions nettes : non évaluable sans données de séquestration"
#: A net-zero (or net-emissions) target is national or European: a territory contributes to it, it cannot
#: be neutral at its own scale (ADEME, « Avis : la neutralité carbone », 2021). Its gross emissions are
#: judged against the gross SNBC trajectory; its net emissions are shown for information only.
NET_CONTRIBUTION_REASON = ("objectif d'émissions nettes, national ou européen : un territoire y contribue "
                           "sans pouvoir l'atteindre à sa seule échelle (avis de l'ADEME, 2021) ; ses "
                           "émissions brutes sont jugées au regard de la trajectoire de la SNBC, ses émissions "
                           "nettes sont données pour information")

#: Adoption status of a target (optional ``statut`` column of the targets file).
STATUS_FR = {"adopte": "adopté", "en_projet": "en projet", "orientation": "orientation"}

#: Which target the synthesis names for a headline indicator, best first: the territory's own
#: (PCAET of the EPCI, or of the whole territory), then the adopted regional scheme, then national targets,
#: then other regional texts (orientations, the former SRCAE). Prospective exercises (ADEME) and
#: European targets never head a synthesis.
PRIORITY = {"local": 0, "regional_adopted": 1, "national": 2, "regional_other": 3}


def status(document: str, statut: str = "") -> str:
    """``adopte``, ``en_projet`` or ``orientation``: the ``statut`` column when filled, else read from
    the document's name (« orientations » → ``orientation``), else ``adopte``."""
    if statut:
        return statut
    return "orientation" if "orientation" in document.lower() else "adopte"


def framework(perimetre: str, document: str, statut: str = "") -> str:
    """French name of the target framework a target belongs to."""
    doc = document.lower()
    if "ademe" in doc:
        return "Prospective ADEME"
    if perimetre == "France":
        return "National (PRÉPA, qualité de l'air)" if "prépa" in doc or "prepa" in doc else "National (SNBC, LTECV, LEC)"
    if perimetre == "UE":
        return "Union européenne"
    if perimetre == "Hauts-de-France":
        st = status(document, statut)
        return ("Régional (SRADDET Hauts-de-France)" if st == "adopte" else
                "Régional (orientations du SRADDET Hauts-de-France, 2018)" if st == "orientation" else
                "Régional (projet de SRADDET Hauts-de-France)")
    if perimetre == "Nord-Pas-de-Calais":
        return "Régional (SRCAE Nord-Pas-de-Calais 2012)"
    return f"Local (PCAET {perimetre})"


def short_framework(fw: str) -> str:
    """Short French name of a framework, for tables and chart labels (« SRADDET », « national »…)."""
    if fw.startswith("Local (PCAET "):
        return "PCAET " + fw[len("Local (PCAET "):-1]
    return {"Régional (SRADDET Hauts-de-France)": "SRADDET",
            "Régional (orientations du SRADDET Hauts-de-France, 2018)": "orientations SRADDET 2018",
            "Régional (projet de SRADDET Hauts-de-France)": "projet de SRADDET",
            "Régional (SRCAE Nord-Pas-de-Calais 2012)": "SRCAE 2012",
            "National (SNBC, LTECV, LEC)": "national", "National (PRÉPA, qualité de l'air)": "PRÉPA",
            "Union européenne": "UE"}.get(fw, fw)


def named_framework(fw: str, document: str) -> str:
    """The framework as readers know it: « LTECV 2015 / SNBC », « SNBC-2 », « PRÉPA », « SRADDET »…
    (national texts by their own name, the others by :func:`short_framework`)."""
    if fw.startswith("National"):
        name = str(document).split(" (")[0].split(",")[0].strip()
        # « LEC 2019 » → « LEC »: the glossary spells the acronym out with its year (« loi énergie-climat de 2019 »)
        name = re.sub(r"^([A-ZÉ][A-ZÉ0-9-]+) (?:19|20)\d\d$", r"\1", name)
        return name or short_framework(fw)
    return short_framework(fw)


def priority(perimetre: str, document: str, statut: str = "") -> float:
    """Rank of a target for the synthesis (:data:`PRIORITY`; NaN: never heads a synthesis)."""
    fw = framework(perimetre, document, statut)
    if fw.startswith("Local"):
        return PRIORITY["local"]
    if fw == "Régional (SRADDET Hauts-de-France)":
        return PRIORITY["regional_adopted"]
    if fw.startswith("National"):
        return PRIORITY["national"]
    if fw.startswith("Régional"):
        return PRIORITY["regional_other"]
    return float("nan")


def _plain(text: str) -> str:
    """Lower case without accents: « Valeur de référence » → « valeur de reference »."""
    return "".join(c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c)).lower()


#: What a row of the targets file is, read from its raw text (document and unit, accents ignored):
#: a reference value (never judged), a ceiling (judged every year it is in force) or a target.
REFERENCE_WORDS = ("valeur de reference",)
#: PRÉPA (décret n° 2017-949, art. D. 222-38): the 2020 ceilings apply every year from 2020 to 2024, the
#: 2025 ones from 2025 to 2029, the 2030 ones from 2030.
CEILING_WORDS = ("plafond", "prepa", "2017-949")
ROLE_FR = {"target": "objectif", "reference": "valeur de référence", "ceiling": "plafond"}


def target_role(document: str, unite: str = "") -> str:
    """``reference``, ``ceiling`` or ``target``, from the raw text of the row (accents and case ignored)."""
    text = _plain(document) + " " + _plain(unite)
    if any(w in text for w in REFERENCE_WORDS):
        return "reference"
    if any(w in text for w in CEILING_WORDS):
        return "ceiling"
    return "target"


def target_kind(unite: str, document: str = "") -> str:
    """``relative``, ``factor``, ``absolute``, ``share``, ``zero``, ``reference`` (a reference value, not a
    target) or ``unsupported``."""
    u = _plain(unite)
    if target_role(document) == "reference":
        return "reference"
    if u.startswith(("variation relative", "quasi decarbonation", "decarbonation", "division par")):
        # "décarbonation complète" and "division par 4" are written as relative changes in `valeur`.
        return "relative"
    if u.startswith("facteur multiplicatif"):
        return "factor"
    if u.startswith("tco2e/hab"):
        return "absolute"
    if u.startswith("part"):
        # a share to reach, written as a fraction (0.32); the indicator is in %
        return "share"
    if u.startswith(("emissions = 0", "emissions nettes = 0")):
        return "zero"
    return "unsupported"


def prepare_targets(raw: pd.DataFrame) -> pd.DataFrame:
    """Targets with their framework, indicator id and kind (the processed ``targets`` table)."""
    out = raw.copy()
    out["document_source"] = out["document"]
    out["document"] = out["document"].map(with_accents)  # the page gets French spelling, the raw stays as is
    st = out["statut"] if "statut" in out else pd.Series("", index=out.index)
    out["framework"] = [framework(p, d, x) for p, d, x in zip(out["perimetre"], out["document"], st)]
    out["priority"] = [priority(p, d, x) for p, d, x in zip(out["perimetre"], out["document"], st)]
    out["indicator_id"] = [INDICATOR_MAP.get((i, s)) for i, s in zip(out["indicateur"], out["secteur"])]
    # the role and form are read from the raw text (accents ignored): restoring them for the page
    # must not change what a row is
    out["role"] = [target_role(d, u) for d, u in zip(out["document_source"], out["unite"])]
    out["kind"] = [target_kind(u, d) for u, d in zip(out["unite"], out["document_source"])]
    out["in_force_until"] = _in_force_until(out)
    mapping = [MAPPING_NOTES.get((i, s)) or MAPPING_NOTES.get(i) or "" for i, s in zip(out["indicateur"], out["secteur"])]
    own = out["note"].fillna("").astype(str) if "note" in out else pd.Series("", index=out.index)
    # the row's own note (the reading made of the text) after the workbench's mapping caveat
    out["note"] = [" ; ".join(n for n in (m, o.strip()) if n) for m, o in zip(mapping, own)]
    return out.drop(columns=["line"], errors="ignore")


def _in_force_until(targets: pd.DataFrame) -> list[float]:
    """Last year a ceiling applies: the year before the next ceiling of the same text, indicator and
    perimeter (NaN: open-ended, the last ceiling; and every ordinary target)."""
    out = []
    for _, t in targets.iterrows():
        if t["role"] != "ceiling":
            out.append(math.nan)
            continue
        same = targets.loc[(targets["role"] == "ceiling") & (targets["indicateur"] == t["indicateur"])
                           & (targets["secteur"] == t["secteur"]) & (targets["perimetre"] == t["perimetre"])
                           & (targets["document_source"] == t["document_source"])
                           & (targets["target_year"].astype(int) > int(t["target_year"]))]
        out.append(float(same["target_year"].astype(int).min() - 1) if len(same) else math.nan)
    return out


def describe_target(t: pd.Series) -> str:
    """``−30 % en 2030 par rapport à 2015`` and the like (French)."""
    if t.get("role") == "ceiling" and t["kind"] == "relative":
        until = t.get("in_force_until")
        span = (f"de {t['target_year']} à {int(until)}" if until == until and until is not None
                else f"à partir de {t['target_year']}")
        return f"plafond {span} : {fmt.percent(t['valeur'], 0, signed=True)} par rapport à {t['ref_text']}"
    if t["kind"] == "relative":
        ref = t["ref_text"] or "une référence non précisée"
        return f"{fmt.percent(t['valeur'], 0, signed=True)} en {t['target_year']} par rapport à {ref}"
    if t["kind"] == "factor":
        ref = t["ref_text"] or "une référence non précisée"
        return f"×{fmt.number(t['valeur'], 1)} en {t['target_year']} par rapport à {ref}"
    if t["kind"] == "absolute":
        return f"{fmt.number(t['valeur'], 1)} t CO₂e par habitant en {t['target_year']}"
    if t["kind"] == "share":
        return f"au moins {fmt.percent(t['valeur'], 0)} de renouvelables en {t['target_year']}"
    if t["kind"] == "zero":
        return (f"émissions nettes nulles (neutralité carbone) en {t['target_year']}" if t.get("indicateur") in NET_INDICATORS
                else f"zéro émission en {t['target_year']}")
    return f"{with_accents(t['unite'])} ({t['target_year']})"


#: Region (COG code) of the regional texts' perimeters (a former region's SRCAE belongs to the region it merged into).
REGION_OF_PERIMETER = {"Hauts-de-France": "32", "Nord-Pas-de-Calais": "32", "Picardie": "32"}


def applies_to(t: pd.Series, geo_level: str, sigle: str) -> bool:
    """Whether target ``t`` applies to the territory ``sigle`` of level ``geo_level``: a local target (a PCAET) to the
    territory its ``perimetre`` names — an EPCI by its short name, the whole territory (level ``pma``) by its code
    in the declaration in use (« PMA ») —, a regional target to the territories of its region (the declaration's),
    every other target to all."""
    if t["framework"].startswith("Local"):
        names = {sigle.upper()}
        if geo_level == "pma":
            from ..declaration import whole_in_use

            names.add(whole_in_use().code)
        return t["perimetre"].upper() in names
    if t["framework"].startswith("Régional") and t["perimetre"] in REGION_OF_PERIMETER:
        from ..declaration import whole_in_use

        region = whole_in_use().region
        return not region or region[0] == REGION_OF_PERIMETER[t["perimetre"]]
    return True


def evaluate_targets(series_by_indicator: dict[str, pd.Series], targets: pd.DataFrame, geo_level: str,
                     sigle: str, directions: dict[str, str]) -> pd.DataFrame:
    """Verdict of one territory against every applicable target.

    Parameters
    ----------
    series_by_indicator : dict
        Indicator id → Series of values indexed by year, for the territory.
    targets : DataFrame
        The processed targets table (:func:`prepare_targets`).
    directions : dict
        Indicator id → ``increase``/``decrease`` (from the catalogue).

    Returns
    -------
    DataFrame
        One row per applicable target: framework, priority, document, indicator, description,
        verified, target value and year; the short-term verdict (``start_year``, ``end_year``,
        ``observed_rate``, ``required_rate``, ``ratio``, ``category`` and its French ``label_fr``,
        ``still_required_rate``, UN cross-check ``un_q``/``un_category``) and the long-term one
        (``long_*``, empty when the series is too short); ``pace_category`` the verdict of the pace
        even for an unverified target (whose ``category`` is ``to_verify``); ``reason`` when not
        assessable. The territory's own (local) targets come first.
    """
    rows = []
    for _, t in targets.iterrows():
        if t.get("role", "target") == "reference" or t["kind"] == "reference" or not applies_to(t, geo_level, sigle):
            continue
        base = {"target_id": t["target_id"], "framework": t["framework"], "priority": t.get("priority", float("nan")),
                "document": t["document"], "indicator_id": t["indicator_id"], "description": describe_target(t),
                "verified": bool(t["verified"]), "target_year": int(t["target_year"]), "note": t["note"]}
        reason = None
        s = series_by_indicator.get(t["indicator_id"]) if not pd.isna(t["indicator_id"]) else None
        corrected = series_by_indicator.get(CLIMATE_CORRECTED.get(t["indicator_id"], ""))
        if s is not None and corrected is not None and not corrected.dropna().empty \
                and set(s.dropna().index) <= set(corrected.dropna().index):
            s = corrected
            base["note"] = "; ".join(n for n in (base["note"], CORRECTED_NOTE) if n)
        if t["indicateur"] in NET_INDICATORS:
            reason = NET_REASON if (s is None or s.dropna().empty) else NET_CONTRIBUTION_REASON
        elif pd.isna(t["indicator_id"]):
            # the row's own note says why no indicator of the workbench can judge it, where it does
            reason = "indicateur non suivi" + (f" : {t['note']}" if str(t.get("note") or "").strip() else "")
        elif s is None or s.dropna().empty:
            reason = "pas de données pour ce territoire"
        elif t["kind"] == "unsupported":
            reason = f"forme d'objectif non prise en charge ({t['unite']})"
        elif t["kind"] in ("relative", "factor") and pd.isna(t["ref_year"]) and not str(t["ref_text"]).strip():
            reason = "année de référence non précisée par le texte de l'objectif"
        elif t["kind"] in ("relative", "factor") and (pd.isna(t["ref_year"]) or int(t["ref_year"]) not in s.dropna().index):
            reason = f"année de référence ({t['ref_text'] or 'non précisée'}) hors des données disponibles"
        elif int(t["target_year"]) < int(s.dropna().index.min()):
            reason = "année cible antérieure aux données disponibles"
        if reason:
            rows.append({**base, "category": "not_assessable", "label_fr": CATEGORY_LABELS_FR["not_assessable"],
                         "pace_category": "not_assessable", "reason": reason})
            continue
        s = s.dropna()
        if t["kind"] == "relative":
            target_value = float(s[int(t["ref_year"])] * (1 + t["valeur"]))
        elif t["kind"] == "factor":
            target_value = float(s[int(t["ref_year"])] * t["valeur"])
        elif t["kind"] == "share":
            target_value = 100.0 * float(t["valeur"])
        else:
            target_value = float(t["valeur"]) if t["kind"] == "absolute" else 0.0
        direction = directions[t["indicator_id"]]
        base["target_value"] = target_value
        if t.get("role") == "ceiling" and int(t["target_year"]) <= int(s.index.max()):
            rows.append({**base, **judge_ceiling(s, direction, target_value, int(t["target_year"]),
                                                 t.get("in_force_until"), bool(t["verified"]))})
            continue
        terms = assess_terms(s, direction, target_value, int(t["target_year"]))
        r, lt = terms["short"], terms["long"]
        if r is None:  # one year of data: no pace can be measured
            rows.append({**base, "category": "not_assessable", "label_fr": CATEGORY_LABELS_FR["not_assessable"],
                         "pace_category": "not_assessable",
                         "reason": f"une seule année de données ({int(s.index.max())}) : aucun rythme mesurable"})
            continue
        eu = assess_progress(s, direction, target_value, int(t["target_year"]), start_year=r.start_year,
                             rule="eurostat")
        category, label = r.category, r.label_fr
        if not t["verified"]:
            category, label = "to_verify", CATEGORY_LABELS_FR["to_verify"]
        rows.append({**base, "category": category, "label_fr": label, "pace_category": r.category,
                     "pace_label_fr": r.label_fr,
                     "start_year": r.start_year, "end_year": r.end_year, "start_value": r.start_value,
                     "end_value": r.end_value, "observed_rate": r.observed_rate,
                     "required_rate": r.required_rate, "ratio": r.ratio, "still_required_rate": r.still_required_rate,
                     "observed_slope": r.observed_slope, "required_slope": r.required_slope,
                     "still_required_slope": r.still_required_slope,
                     "un_q": r.un_q, "un_category": r.un_category,
                     "eurostat_ratio": eu.ratio, "eurostat_category": eu.category,
                     "long_start_year": lt.start_year if lt else None, "long_observed_rate": lt.observed_rate if lt else None,
                     "long_required_rate": lt.required_rate if lt else None,
                     "long_category": (lt.category if t["verified"] else "to_verify") if lt else None,
                     "long_label_fr": (lt.label_fr if t["verified"] else label) if lt else None,
                     "reason": ""})
    out = pd.DataFrame(rows)
    if not out.empty:
        out["assessable"] = ~out["category"].isin(["not_assessable", "to_verify"])
        # the territory's own targets (its PCAET) head its verdicts; the others keep the file's order
        own = out["priority"].eq(PRIORITY["local"])
        out = pd.concat([out[own], out[~own]], ignore_index=True)
    return out


def judge_ceiling(s: pd.Series, direction: str, ceiling: float, first_year: int, until: float | None,
                  verified: bool) -> dict:
    """A ceiling in force: « tenu » when every year of the series from ``first_year`` to ``until``
    (inclusive; open-ended when NaN) meets it, else « non tenu » with the years over it.

    The verdict row carries no required pace: a ceiling in force is kept or not, year by year.
    """
    last = int(s.index.max()) if until is None or until != until else min(int(until), int(s.index.max()))
    years = s.loc[(s.index >= first_year) & (s.index <= last)]
    sign = 1.0 if direction == "increase" else -1.0
    # rounded: 100 × (1 − 0.55) is 44.999…, and a value of exactly 45 keeps the ceiling
    over = [int(y) for y, v in years.items() if round(sign * (v - ceiling), 9) < 0]
    span = f"{int(years.index.min())}" if len(years) == 1 else f"{int(years.index.min())} à {int(years.index.max())}"
    if over:
        category, label = "target_missed", "plafond dépassé en " + ", ".join(map(str, over))
    else:
        category, label = "target_achieved", ("plafond respecté en " if len(years) == 1 else
                                              "plafond respecté chaque année de ") + span
    pace_category, pace_label = category, label
    if not verified:
        category, label = "to_verify", CATEGORY_LABELS_FR["to_verify"]
    y0 = int(s.index.min()) if len(years) == 0 else int(years.index.min())
    return {"category": category, "label_fr": label, "pace_category": pace_category, "pace_label_fr": pace_label,
            "start_year": y0, "end_year": int(s.index.max()), "start_value": float(s.get(y0, math.nan)),
            "end_value": float(s.iloc[-1]), "observed_rate": math.nan, "required_rate": math.nan, "ratio": math.nan,
            "still_required_rate": math.nan, "observed_slope": math.nan, "required_slope": math.nan,
            "still_required_slope": math.nan, "un_q": math.nan, "un_category": None,
            "eurostat_ratio": math.nan, "eurostat_category": None, "years_over": over, "reason": ""}


def headline_target(verdicts: pd.DataFrame, indicator_id: str, year: int | None = None) -> pd.Series | None:
    """The one target a synthesis names for an indicator, or None.

    Only verified, assessable targets qualify. Chosen by :data:`PRIORITY` (the territory's own
    target, then the adopted regional scheme, then national), then the nearest target year still
    ahead of ``year`` (past targets last), then the most demanding required rate.
    """
    if verdicts is None or verdicts.empty:
        return None
    v = verdicts.loc[(verdicts["indicator_id"] == indicator_id) & verdicts["assessable"] & verdicts["priority"].notna()]
    if v.empty:
        return None
    ahead = v["target_year"] > (year if year is not None else v["end_year"].max())
    v = v.assign(_past=~ahead, _req=v["required_rate"].abs().fillna(0))
    return v.sort_values(["priority", "_past", "target_year", "_req"], ascending=[True, True, True, False]).iloc[0]

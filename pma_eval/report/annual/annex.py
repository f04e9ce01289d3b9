"""Annex of the annual report: methods, sources, coverage of the data, caveats."""

from __future__ import annotations

import re

import pandas as pd

from ...coverage import IMPLAUSIBLE_REASON, RULES_FR, advice, extent_lines, matrix, parts_line, plausibility_lines
from ...evaluation.progress import RULE_FR
from .decide import RULES_FR as DECIDE_RULES_FR
from ...territory import NATURE_LABELS_FR
from ...vocabulary import GLOSSARY, with_accents
from ...sources.weather import DJU_CONVENTION, MISSING_DAYS_RULE, NATIONAL_INDEX_RULE
from ..blocks import Bullets, Table
from ..context import ReportContext

METHODS = [
    "Indicateurs : catalogue unique (identifiants alignés sur Territoires en Transitions de l'ADEME quand ils existent) ; "
    "les ratios d'un EPCI ou du Pôle sont recalculés à partir des totaux, jamais moyennés.",
    "Tendance : test de Mann-Kendall (seuil 5 %, correction des ex-aequo et de continuité) et pente de Theil-Sen ; "
    "une hausse ou une baisse « avérée » est confirmée par ce test. Le mot « significatif » ne qualifie que le "
    "rythme au regard d'un objectif (verdicts ci-dessous).",
    RULE_FR,
    DECIDE_RULES_FR,
    "Objectifs : un objectif national ou régional est appliqué au territoire comme la même variation relative. "
    "Un objectif qui n'a pas été vérifié sur une copie de son texte est montré en gris, « à vérifier », sans "
    "verdict, et ne sert jamais à la synthèse ; son écart peut signaler un enjeu sur la page « À décider », "
    "qui le dit « à vérifier ». Une valeur de référence (par exemple celle du Haut Conseil pour le climat) "
    "n'est jamais jugée. La synthèse nomme un seul objectif par indicateur phare : celui du territoire "
    "(PCAET de l'EPCI ou du Pôle), à défaut celui du SRADDET adopté, à défaut l'objectif national, à défaut les "
    "orientations régionales. La neutralité carbone est un objectif national : un territoire y contribue sans "
    "pouvoir l'atteindre à sa seule échelle (avis de l'ADEME, 2021) ; ses émissions brutes sont jugées au regard "
    "de la trajectoire de la SNBC, et ses émissions nettes (émissions moins séquestration nette, outil ALDO de "
    "l'ADEME) sont données pour information. Polluants de l'air : objectifs nationaux du PRÉPA "
    "(décret n° 2017-949, par rapport à 2005) appliqués au territoire comme une même variation relative ; "
    "chaque plafond est jugé toutes les années où il s'applique (celui de 2020 de 2020 à 2024, celui de 2025 de "
    "2025 à 2029).",
    "Facteurs d'évolution : décomposition LMDI additive (Ang, 2005), chaînée d'année en année ; pour chaque "
    "secteur dont l'énergie est connue, émissions de la combustion = population × énergie par habitant × contenu "
    "carbone de l'énergie (consommation de chaque énergie × son facteur d'émission direct) ; le reste des émissions "
    "du secteur (élevage et sols, procédés, fluides frigorigènes, et l'écart entre l'inventaire et ce calcul) forme "
    "le facteur « émissions non énergétiques ». Quand les degrés-jours et les parts thermosensibles sont fournis, un "
    "facteur « climat de l'année » (consommation réelle ÷ consommation à climat normal) isole la douceur ou la "
    "rigueur de l'hiver, et l'énergie par habitant est comptée à climat normal ; sinon une année douce apparaît "
    "comme une baisse de la consommation par habitant.",
    "Correction climatique : consommation à climat normal = consommation ÷ ((1 − s) + s × DJU de l'année ÷ DJU "
    "normaux), s étant la part thermosensible du secteur et de l'énergie une année normale (la forme additive de "
    "l'Agence ORE, thermor × écart de degrés-jours, donne le même résultat). Les objectifs de consommation sont "
    "jugés sur la consommation à climat normal quand elle couvre toute la série. Degrés-jours tirés des "
    f"températures quotidiennes : {DJU_CONVENTION} ; {MISSING_DAYS_RULE}. La normale est la moyenne des années "
    "complètes de la même série (même base, même saison). Avant ces années, les degrés-jours sont "
    f"{NATIONAL_INDEX_RULE} (nature estimée) ; une année que ni l'une ni l'autre ne couvre garde l'indice de "
    "rigueur de son fichier annuel, porté à cette normale, avec sa nature.",
    "Renouvelables : production totale = électricité renouvelable + chaleur renouvelable et de récupération + "
    "biométhane injecté (formule de Territoires en Transitions) ; la part renouvelable de la consommation finale la "
    "rapporte à la consommation d'énergie finale du territoire. La couverture électrique rapporte la seule "
    "électricité renouvelable à la consommation d'électricité. Les objectifs nationaux de part renouvelable comptent "
    "aussi l'énergie renouvelable importée : la comparaison est indicative.",
    "Population : population municipale légale du millésime égal à l'année de l'indicateur (millésime 2015 interpolé).",
]


#: A clause addressed to whoever maintains the data (an instruction, a command, a file), or stating what has
#: not been delivered yet: it belongs to ``execution.log`` and ``pma-eval data etat``, not to a published page.
OPERATOR_CLAUSE = re.compile(
    r"\b(?:saisissez|remplacez|utilisez|complétez|ajoutez|lancez|exécutez|les saisir|à combler avec|à remplacer"
    r"|n['’]en utiliser)\b"
    r"|pma-eval\s+(?:data|run|report|fiches|build)\b"
    r"|\b(?:docs|data|scenarios|notebooks)/"
    r"|\b[\w-]+\.(?:csv|md|ya?ml|py|ipynb|json|parquet)\b"
    r"|n['’]est (?:encore )?(?:livrée?s?|saisie?s?)\b", re.IGNORECASE)
#: Workshop words of the metadata, and what a reader of the report understands instead.
OPERATOR_WORDS = {"compilation du collecteur": "compilation", " par le collecteur": "", "l'atelier publie": "le rapport publie",
                  "l'atelier l'interpole": "il est interpolé", ", statut « inferee »": ""}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀÂÉÈÊÎÔÛÇ«(])")
_CLAUSE = re.compile(r"(\s[:;—]\s)")


def published_note(text: str) -> str:
    """A metadata note as a published page may print it: operator clauses (:data:`OPERATOR_CLAUSE`) dropped
    with their sentence when they open it, workshop words replaced (:data:`OPERATOR_WORDS`); ``""`` when
    nothing is left.

    « Valeurs fictives : remplacez-les par les sorties d'ALDO (docs/sequestration.md). » → « Valeurs fictives. »
    """
    for word, instead in OPERATOR_WORDS.items():
        text = text.replace(word, instead)
    kept = []
    for sentence in _SENTENCE.split(text.strip()):
        parts = _CLAUSE.split(sentence.rstrip(".").strip())
        clauses, seps = parts[::2], parts[1::2]
        if OPERATOR_CLAUSE.search(clauses[0]):
            continue
        out = clauses[0]
        for sep, clause in zip(seps, clauses[1:]):
            if OPERATOR_CLAUSE.search(clause):
                break  # what follows an instruction explains it
            out += sep + clause
        kept.append(out.rstrip(" ,") + ".")
    return " ".join(kept)


def contradicted(note: str, targets: pd.DataFrame) -> bool:
    """Does the targets table used by the report contradict a note saying some targets were not found?
    (« … des PCAET du territoire non trouvés » once a PCAET target is used.)"""
    if "non trouvé" not in note or targets is None or "framework" not in targets:
        return False
    frameworks = targets["framework"].dropna().astype(str)
    local = frameworks.str.startswith("Local (PCAET").any()
    adopted = (frameworks == "Régional (SRADDET Hauts-de-France)").any()
    return bool(("PCAET" in note and local) or ("SRADDET adopté" in note and adopted))


def glossary_table() -> Table:
    """Every acronym and method name of the reports, spelled out (vocabulary.yml ``glossary``)."""
    rows = [{"Sigle ou terme": k, "Signification": v["long"][:1].upper() + v["long"][1:]
             + (f" — {v['note']}" if v.get("note") else "")} for k, v in sorted(GLOSSARY.items(), key=lambda kv: kv[0].lower())]
    return Table(pd.DataFrame(rows), "Glossaire des sigles et des méthodes", numeric=[], long=True)


def methods() -> Bullets:
    return Bullets(list(METHODS))


def _input_groups(ctx: ReportContext) -> list[dict]:
    """Build inputs grouped by (format, nature): yearly snapshots of one source become one entry."""
    groups: dict[tuple, dict] = {}
    for inp in ctx.manifest.get("inputs", []):
        if inp.get("rows") == 0:  # an empty template gave the report nothing (``pma-eval data etat`` lists it)
            continue
        key = (inp.get("format"), inp.get("nature"))
        g = groups.setdefault(key, {**inp, "files": 0, "all_years": [], "caveats": list(inp.get("caveats") or [])})
        g["files"] += 1
        g["all_years"].append(str(inp.get("years") or ""))
        for c in inp.get("caveats") or []:
            if c not in g["caveats"]:
                g["caveats"].append(c)
    for g in groups.values():
        g["title"] = with_accents(g.get("title") or "")  # metadata titles are shown as written, accents restored
        if g["files"] > 1:
            ys = sorted(g["all_years"])
            g["years"] = f"{ys[0]} à {ys[-1]}"
            g["title"] = g["title"].split(" au 31/12/")[0] + f" ({g['files']} fichiers)"
    return list(groups.values())


def caveats(ctx: ReportContext) -> Bullets:
    """Caveats of the inputs behind the report, from the build manifest, in French, without repeats."""
    out, seen = [], set()
    for g in _input_groups(ctx):
        if g.get("format") in ("communes", "epci"):
            continue
        for c in g.get("caveats") or []:
            c = published_note(c)
            if c and c not in seen and not contradicted(c, ctx.targets):
                seen.add(c)
                out.append(f"{g.get('title') or _input_name(g)} — {c}")
    return Bullets(out)


def _input_name(inp: dict) -> str:
    """A raw file's title, or in its absence « fichier <name> » (never its path in the project)."""
    return inp.get("title") or str(inp.get("path", "")).rsplit("/", 1)[-1]


def sources_table(ctx: ReportContext) -> Table:
    groups = _input_groups(ctx)
    frame = pd.DataFrame([{"Donnée": _input_name(g), "Producteur": published_note(g.get("producer") or "").rstrip("."),
                           "Années": str(g.get("years") or ""), "Nature": NATURE_LABELS_FR.get(g["nature"], g["nature"]),
                           "Licence": g.get("licence") or ""} for g in groups])
    return Table(frame, "Sources des données", numeric=[])


def coverage_table(ctx: ReportContext) -> Table:
    """The coverage matrix of ``pma-eval data etat`` up to the report's year (annex)."""
    if ctx.coverage is None or ctx.coverage.empty:
        return Table(pd.DataFrame(), "Nature des valeurs par thème, niveau et année", numeric=[], long=True)
    m = matrix(ctx.coverage.loc[ctx.coverage["year"] <= ctx.year]).reset_index()
    m.insert(0, "Donnée", (m.pop("thème") + " — " + m.pop("niveau")).map(lambda t: t[:1].upper() + t[1:]))
    m.columns = [str(c) for c in m.columns]
    return Table(m, "Nature des valeurs par thème, niveau et année", numeric=[], long=True)


def coverage_notes(ctx: ReportContext) -> Bullets:
    """Legend, the rules for missing, secret and incomplete values, and what is missing (annex)."""
    legend = ("Lettres : O observée, E estimée, D démonstration, S secret statistique, M manquante ; "
              "* : au moins une somme incomplète.")
    out = [legend, *RULES_FR]
    if ctx.coverage is not None:  # what fills a gap is for ``pma-eval data etat``, not for the report
        out += [line.split(" — à combler avec")[0] + "."
                for line in advice(ctx.coverage.loc[ctx.coverage["year"] <= ctx.year])]
    titles = {inp.get("path"): _input_name(inp) for inp in ctx.manifest.get("inputs", [])}
    extent = {titles.get(path, path.rsplit("/", 1)[-1]): e for path, e in (ctx.manifest.get("extent") or {}).items()}
    # values outside the catalogue's plausible range, in the report's territory up to its year: kept, said
    members = {(ctx.geo_level, ctx.geo_code), *(("commune", c) for c in ctx.territory.members(ctx.geo_level, ctx.geo_code))}
    if ctx.geo_level == "pma":
        members |= {("epci", e) for e in ctx.territory.epcis["epci_siren"]}
    flags = [f for f in ctx.manifest.get("plausibility") or []
             if (f["geo_level"], f["geo_code"]) in members and f["year"] <= ctx.year]
    implausible = ([f"Valeurs hors de la plage plausible du catalogue, {IMPLAUSIBLE_REASON} : "
                    + " ; ".join(plausibility_lines(flags, ctx.territory, ctx.catalogue, shown=10)) + "."]
                   if flags else [])
    # the territory's incomplete sums of the year (read « au moins »): how much of its communes is known
    parts = [f"Somme incomplète, à lire « au moins » : {parts_line(e, ctx.territory)}."
             for e in ctx.manifest.get("parts") or [] if e["origin"] == "aggregate" and e["year"] == ctx.year
             and (e["geo_level"], e["geo_code"]) == (ctx.geo_level, ctx.geo_code)]
    return Bullets(out + extent_lines(extent) + implausible + parts)

"""Lever scenarios written in YAML: schema, inheritance and validation.

A scenario file (``scenarios/<nom>.yml``) holds a title, a description, an optional ``parent``
and the values it sets; a variant names its parent and overrides only what changes, as in LEAP.
Inheritance is a deep merge: the child's mapping entries replace the parent's one by one, a
child's scalar (or distribution) replaces the parent's whole value.

Every number of ``hypotheses`` and ``leviers`` may be a distribution instead of a value::

    logements_par_an: {loi: triangulaire, min: 1500, mode: 2500, max: 3500}
    cop_pac: {loi: normale, moyenne: 2.9, ecart_type: 0.3, min: 2.0}
    part_vehicules_electriques: {loi: uniforme, min: 0.3, max: 0.5}

The central (deterministic) value is the mode, the mean or the middle of the range.

Unknown keys, an unknown parent or a cycle of parents are refused with a French message naming
the file and the key: a misspelt lever must never be silently ignored.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from ..errors import InputDataError, Problem
from ..vocabulary import PCAET, SCENARIO_CARRIERS, SCENARIO_ENERGY_SECTORS

# Sector and carrier lists of the model, declared in vocabulary.yml (their order is the draw order).
SECTORS_ENERGY = SCENARIO_ENERGY_SECTORS
SECTORS_ALL = PCAET
CARRIERS = SCENARIO_CARRIERS

RAMP = {"debut": "année où le levier commence", "fin": "année où il atteint sa pleine valeur (ou son plein rythme)",
        "forme": "lineaire ou s (courbe en S)"}

#: Schema: section → key → French description (shown in errors and in the report's table).
HYPOTHESES = {
    "croissance_activite": ("par secteur", "évolution annuelle de l'activité (population, emplois, trafic…)"),
    "evolution_intensite": ("par secteur", "évolution annuelle de l'intensité énergétique, sans levier"),
    "evolution_non_energetique": ("par secteur", "évolution annuelle des émissions non énergétiques, sans levier"),
    "facteurs_emission": ("par énergie", "facteur d'émission direct [t CO₂e/MWh]"),
    "contenu_co2_reseau_chaleur": ("valeur", "émissions de production de la chaleur livrée [t CO₂e/MWh], "
                                             "comptées dans la branche énergie"),
    "productible_mwh_par_mwc": ("valeur", "production annuelle d'un MWc photovoltaïque [MWh/MWc]"),
    "annee_jonction_trajectoire": ("valeur", "année où un scénario à cible rejoint la trajectoire de référence "
                                             "(l'écart de l'année de départ se résorbe linéairement jusque-là)"),
}
LEVERS: dict[str, dict[str, str]] = {
    "renovation": {"logements_par_an": "logements rénovés par an [logements/an]",
                   "gain_mwh_par_logement": "économie par logement rénové [MWh/an]",
                   "part_max_economisee": "part maximale de la consommation résidentielle économisable", **RAMP},
    "chauffage": {"chaudieres_fioul_par_an": "chaudières au fioul remplacées par an",
                  "chaudieres_gaz_par_an": "chaudières au gaz remplacées par an",
                  "conso_mwh_par_chaudiere": "consommation d'une chaudière remplacée [MWh/an]",
                  "rendement_chaudiere": "rendement de la chaudière remplacée",
                  "cop_pac": "coefficient de performance saisonnier des pompes à chaleur",
                  "part_reseau_chaleur": "part des remplacements raccordés à un réseau de chaleur", **RAMP},
    "photovoltaique": {"toiture_mwc_par_an": "photovoltaïque en toiture installé par an [MWc/an]",
                       "sol_mwc_par_an": "photovoltaïque au sol installé par an [MWc/an]", **RAMP},
    "mobilite": {"part_voitures": "part des voitures dans les carburants routiers",
                 "report_modal": "part des kilomètres en voiture reportés (vélo, transports collectifs, covoiturage)",
                 "part_vehicules_electriques": "part des kilomètres en voiture restants faits en électrique",
                 "conso_relative_ve": "énergie d'un véhicule électrique rapportée à un thermique",
                 "part_fret_decarbone": "part des carburants des autres véhicules remplacée (électricité, bioGNV)",
                 "conso_relative_fret": "énergie du fret décarboné rapportée au thermique", **RAMP},
    "tertiaire": {"reduction_consommation": "baisse de la consommation (sobriété, décret tertiaire)",
                  "part_fossile_convertie": "part du gaz et du fioul restants remplacée par des pompes à chaleur",
                  "cop_pac": "coefficient de performance des pompes à chaleur", **RAMP},
    "industrie": {"reduction_consommation": "baisse de la consommation (efficacité)",
                  "part_fossile_electrifiee": "part du gaz et du fioul électrifiée",
                  "reduction_procedes": "baisse des émissions non énergétiques (procédés)", **RAMP},
    "agriculture": {"reduction_consommation": "baisse de la consommation des engins et bâtiments",
                    "reduction_non_energetique": "baisse des émissions non énergétiques (élevage, engrais)", **RAMP},
    "dechets": {"reduction": "baisse des émissions (méthane capté, moins de déchets enfouis)", **RAMP},
    "branche_energie": {"reduction": "baisse des émissions de la production d'énergie du territoire", **RAMP},
}
LEVER_LABELS = {
    "renovation": "Rénovation des logements", "chauffage": "Changement de chauffage (logements)",
    "photovoltaique": "Photovoltaïque", "mobilite": "Mobilité (report modal, véhicules électriques, fret)",
    "tertiaire": "Sobriété et chauffage du tertiaire", "industrie": "Décarbonation de l'industrie",
    "agriculture": "Agriculture", "dechets": "Déchets", "branche_energie": "Branche énergie",
}
TOP_KEYS = {"titre": "titre du scénario", "description": "texte libre", "parent": "scénario dont on hérite",
            "cible": "trajectoire_reference : compléter les leviers jusqu'à la trajectoire de référence",
            "nature": "hypothese (par défaut) ou demonstration", "hypotheses": "hypothèses communes",
            "leviers": "leviers d'action"}
DISTRIBUTIONS = {"triangulaire": ("min", "mode", "max"), "uniforme": ("min", "max"),
                 "normale": ("moyenne", "ecart_type")}
DIST_OPTIONAL = {"normale": ("min", "max")}
CIBLES = ("trajectoire_reference",)


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: inheritance applied, every key checked."""

    name: str
    title: str
    description: str
    parent: str | None
    chain: tuple[str, ...]
    hypotheses: dict
    levers: dict
    target: str | None = None
    files: tuple[str, ...] = field(default=())


def _problem(file: str, key: str, message: str, value=None) -> Problem:
    return Problem(file=file, message=f"clé « {key} » : {message}", value=value)


def _check_number(file: str, key: str, v, problems: list[Problem]) -> None:
    if isinstance(v, bool) or v is None:
        problems.append(_problem(file, key, "nombre ou loi attendu", v))
    elif isinstance(v, (int, float)):
        return
    elif isinstance(v, dict):
        law = v.get("loi")
        if law not in DISTRIBUTIONS:
            problems.append(_problem(file, key, f"loi inconnue (lois admises : {', '.join(DISTRIBUTIONS)})", law))
            return
        allowed = {"loi", *DISTRIBUTIONS[law], *DIST_OPTIONAL.get(law, ())}
        for k in v:
            if k not in allowed:
                problems.append(_problem(file, f"{key}.{k}", f"clé inconnue pour la loi {law} "
                                         f"(clés admises : {', '.join(sorted(allowed))})"))
        for k in DISTRIBUTIONS[law]:
            if not isinstance(v.get(k), (int, float)) or isinstance(v.get(k), bool):
                problems.append(_problem(file, f"{key}.{k}", "nombre attendu", v.get(k)))
        if law == "triangulaire" and all(isinstance(v.get(k), (int, float)) for k in ("min", "mode", "max")):
            if not v["min"] <= v["mode"] <= v["max"]:
                problems.append(_problem(file, key, "il faut min ≤ mode ≤ max",
                                         f"{v['min']}, {v['mode']}, {v['max']}"))
        if law == "uniforme" and all(isinstance(v.get(k), (int, float)) for k in ("min", "max")):
            if v["min"] > v["max"]:
                problems.append(_problem(file, key, "il faut min ≤ max", f"{v['min']}, {v['max']}"))
    else:
        problems.append(_problem(file, key, "nombre ou loi attendu", v))


def _section(file: str, doc: dict, key: str, problems: list[Problem]) -> dict:
    """``doc[key]`` when it is a mapping (or absent: empty); otherwise a problem and an empty mapping."""
    value = doc.get(key) or {}
    if isinstance(value, dict):
        return value
    problems.append(_problem(file, key, "dictionnaire attendu", value))
    return {}


def check_document(file: str, doc: object) -> list[Problem]:
    """Every problem of one scenario file's own content (before inheritance)."""
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        return [Problem(file=file, message="le fichier doit contenir un dictionnaire YAML (clé : valeur)")]
    for k, v in doc.items():
        if k not in TOP_KEYS:
            problems.append(_problem(file, k, f"clé inconnue (clés admises : {', '.join(TOP_KEYS)})"))
    if "cible" in doc and doc["cible"] not in (None, *CIBLES):
        problems.append(_problem(file, "cible", f"valeur inconnue (valeurs admises : {', '.join(CIBLES)})",
                                 doc["cible"]))
    if "nature" in doc and doc["nature"] not in ("hypothese", "demonstration"):
        problems.append(_problem(file, "nature", "valeur admise : hypothese ou demonstration", doc["nature"]))
    for k, v in _section(file, doc, "hypotheses", problems).items():
        if k not in HYPOTHESES:
            problems.append(_problem(file, f"hypotheses.{k}",
                                     f"clé inconnue (clés admises : {', '.join(HYPOTHESES)})"))
            continue
        kind = HYPOTHESES[k][0]
        if kind == "valeur":
            _check_number(file, f"hypotheses.{k}", v, problems)
            continue
        names = SECTORS_ALL if kind == "par secteur" else CARRIERS
        if not isinstance(v, dict):
            problems.append(_problem(file, f"hypotheses.{k}", f"dictionnaire {kind} attendu", v))
            continue
        for name, x in v.items():
            if name not in names:
                problems.append(_problem(file, f"hypotheses.{k}.{name}",
                                         f"nom inconnu (noms admis : {', '.join(names)})"))
            else:
                _check_number(file, f"hypotheses.{k}.{name}", x, problems)
    for lever, params in _section(file, doc, "leviers", problems).items():
        if lever not in LEVERS:
            problems.append(_problem(file, f"leviers.{lever}",
                                     f"levier inconnu (leviers admis : {', '.join(LEVERS)})"))
            continue
        if params is None:
            continue
        if not isinstance(params, dict):
            problems.append(_problem(file, f"leviers.{lever}", "dictionnaire attendu", params))
            continue
        for k, v in params.items():
            key = f"leviers.{lever}.{k}"
            if k not in LEVERS[lever]:
                problems.append(_problem(file, key, f"clé inconnue (clés admises : {', '.join(LEVERS[lever])})"))
            elif k == "forme":
                if v not in ("lineaire", "s"):
                    problems.append(_problem(file, key, "valeur admise : lineaire ou s", v))
            elif k in ("debut", "fin"):
                if not isinstance(v, int) or isinstance(v, bool) or not 2000 <= v <= 2100:
                    problems.append(_problem(file, key, "année attendue (2000 à 2100)", v))
            else:
                _check_number(file, key, v, problems)
        if isinstance(params.get("debut"), int) and isinstance(params.get("fin"), int) \
                and params["fin"] < params["debut"]:
            problems.append(_problem(file, f"leviers.{lever}.fin", "la fin précède le début",
                                     f"{params['debut']} → {params['fin']}"))
    return problems


def merge(parent: dict, child: dict) -> dict:
    """Deep merge: the child's mapping entries replace the parent's one by one; a scalar or a
    distribution (a mapping with ``loi``) replaces the parent's value whole."""
    out = copy.deepcopy(parent)
    for k, v in child.items():
        if isinstance(v, dict) and "loi" not in v and isinstance(out.get(k), dict) and "loi" not in out[k]:
            out[k] = merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def resolve(documents: dict[str, tuple[str, dict]]) -> dict[str, Scenario]:
    """Check every document and apply inheritance.

    Parameters
    ----------
    documents : dict
        Scenario name → (file name shown in messages, parsed YAML content).

    Raises
    ------
    InputDataError
        All problems at once: unknown keys, bad values, unknown parents, cycles.
    """
    problems: list[Problem] = []
    for name, (file, doc) in sorted(documents.items()):
        problems += check_document(file, doc)
        if isinstance(doc, dict) and doc.get("parent") is not None and doc["parent"] not in documents:
            problems.append(_problem(file, "parent", f"scénario parent inconnu (scénarios disponibles : "
                                                     f"{', '.join(sorted(documents))})", doc["parent"]))
    if problems:
        raise InputDataError(problems)
    out: dict[str, Scenario] = {}
    for name, (file, doc) in sorted(documents.items()):
        chain, cur = [name], doc
        while cur.get("parent") is not None:
            parent = cur["parent"]
            if parent in chain:
                raise InputDataError([_problem(file, "parent", "héritage circulaire : "
                                               + " → ".join([*chain, parent]), parent)])
            chain.append(parent)
            cur = documents[parent][1]
        merged: dict = {}
        for n in reversed(chain):
            merged = merge(merged, {k: v for k, v in documents[n][1].items() if k != "parent"})
        out[name] = Scenario(
            name=name, title=str(merged.get("titre", name)), description=str(merged.get("description", "")).strip(),
            parent=doc.get("parent"), chain=tuple(chain), hypotheses=merged.get("hypotheses") or {},
            levers={k: v for k, v in (merged.get("leviers") or {}).items() if v},
            target=merged.get("cible"), files=tuple(documents[n][0] for n in chain))
    return out

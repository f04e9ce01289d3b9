"""The workbench's vocabulary: sectors, carriers, technologies, units and IAMC variables.

Everything is declared once in ``vocabulary.yml`` (beside this module) and read here. This
module sits at the bottom of the house: it imports nothing of the workbench, so that readers,
schemas, the catalogue, formatting, charts and the IAMC export can all use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .yamltext import safe_load

FILE = Path(__file__).resolve().parent / "vocabulary.yml"


@lru_cache(maxsize=1)
def _raw() -> dict:
    return safe_load(FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Unit:
    """A catalogue unit and how it is stored, shown and exported."""

    name: str  # as in the catalogue: ``t CO₂e``
    code: str | None  # as stored in data/processed: ``tCO2e``
    display: str  # as shown in reports: ``kt CO₂e``
    factor: float  # display value = value × factor
    decimals: int
    iamc: str | None  # IAMC export unit: ``kt CO2e/yr``


def _labels(kind: str) -> dict[str, str]:
    return {k: v["label"] for k, v in _raw()[kind].items()}


def _attr(kind: str, attr: str) -> dict[str, str]:
    return {k: v[attr] for k, v in _raw()[kind].items() if attr in v}


_RAW = _raw()
SECTOR_LABELS: dict[str, str] = _labels("sectors")
SECTOR_COLORS: dict[str, str] = _attr("sectors", "color")
SECTOR_HATCHES: dict[str, str] = _attr("sectors", "hatch")
MEMO_SECTORS: dict[str, str] = {k: v["label"] for k, v in _RAW["sectors"].items() if v.get("memo")}
PCAET_SECTORS: dict[str, str] = {k: SECTOR_LABELS[k] for k in _RAW["sector_groups"]["pcaet"]}
PCAET: tuple[str, ...] = tuple(PCAET_SECTORS)
ENERGY_SECTORS: tuple[str, ...] = tuple(_RAW["sector_groups"]["energy"])
SCENARIO_ENERGY_SECTORS: tuple[str, ...] = tuple(_RAW["sector_groups"]["scenario_energy"])
ORE_SECTORS: tuple[str, ...] = tuple(_RAW["sector_groups"]["ore"])
ALWAYS_PRESENT_SECTORS: tuple[str, ...] = tuple(_RAW["sector_groups"]["always_present"])
COMBUSTION_AIR_SECTORS: tuple[str, ...] = tuple(_RAW["sector_groups"]["combustion_air"])
ENERGY_ONLY_SECTORS: tuple[str, ...] = tuple(_RAW["sector_groups"]["energy_only"])

CARRIER_LABELS: dict[str, str] = _labels("carriers")
REPORT_CARRIERS: tuple[str, ...] = tuple(_RAW["carrier_groups"]["report"])
SCENARIO_CARRIERS: tuple[str, ...] = tuple(_RAW["carrier_groups"]["scenario"])
#: Direct (combustion) emission factor of a carrier at the consumer [t CO2e/MWh] (vocabulary.yml).
DIRECT_EMISSION_FACTORS: dict[str, float] = {k: float(v["direct_ef"]) for k, v in _RAW["carriers"].items()
                                             if "direct_ef" in v}

POLLUTANT_LABELS: dict[str, str] = _labels("pollutants")
POLLUTANT_SHORT: dict[str, str] = _attr("pollutants", "short")
POLLUTANT_COLORS: dict[str, str] = _attr("pollutants", "color")
POLLUTANTS: tuple[str, ...] = tuple(POLLUTANT_LABELS)
#: Pollutants emitted by burning fuels (all but ammonia).
COMBUSTION_POLLUTANTS: tuple[str, ...] = tuple(k for k, v in _RAW["pollutants"].items() if v.get("combustion", True))
#: Spellings of the inventory template's ``energie_ou_gaz`` column → pollutant code.
POLLUTANT_SPELLINGS: dict[str, str] = {s: k for k, v in _RAW["pollutants"].items() for s in (k, *v["spellings"])}

LAND_USE_LABELS: dict[str, str] = _labels("land_uses")
LAND_USE_SPELLINGS: dict[str, str] = {s: k for k, v in _RAW["land_uses"].items() for s in (k, *v["spellings"])}

HEAT_GAS_LABELS: dict[str, str] = _labels("heat_gas_sources")
HEAT_GAS_SHORT: dict[str, str] = {k: v.get("short", v["label"]) for k, v in _RAW["heat_gas_sources"].items()}
HEAT_GAS_COLORS: dict[str, str] = _attr("heat_gas_sources", "color")
#: Vector of each renewable heat or gas source: ``chaleur`` or ``gaz``.
HEAT_GAS_VECTOR: dict[str, str] = _attr("heat_gas_sources", "vector")
HEAT_GAS_SPELLINGS: dict[str, str] = {s: k for k, v in _RAW["heat_gas_sources"].items() for s in (k, *v["spellings"])}

TECHNOLOGY_LABELS: dict[str, str] = _labels("technologies")
TECHNOLOGY_COLORS: dict[str, str] = _attr("technologies", "color")
TECHNOLOGY_HATCHES: dict[str, str] = _attr("technologies", "hatch")
RENEWABLE_TECHNOLOGIES: tuple[str, ...] = tuple(_RAW["technology_groups"]["renewable"])
#: The renewables tables' measured quantities in words (« capacité d’injection »).
VARIABLE_LABELS: dict[str, str] = _labels("variables")

_COLOURS = _RAW["colours"]
#: Colour of each scenario id (``scenarios/*.yml``); :func:`scenario_color` gives a fallback for the others.
SCENARIO_COLORS: dict[str, str] = dict(_COLOURS["scenarios"])
SCENARIO_FALLBACK_COLORS: tuple[str, ...] = tuple(_COLOURS["scenario_fallback"])
#: Trajectories that are not a scenario: ``reference`` (ADEME), ``forecast`` (statistical forecast).
TRAJECTORY_COLORS: dict[str, str] = dict(_COLOURS["trajectories"])
#: Colour of the Pôle and each EPCI (by acronym), and of ``autres`` territories, ``departement``, ``region``.
TERRITORY_COLORS: dict[str, str] = dict(_COLOURS["territories"])
#: House colour of a whole territory that has none of its own in :data:`TERRITORY_COLORS`.
WHOLE_COLOR: str = _COLOURS["whole"]
#: Colours of the organisation types of the participants, in drawing order.
ORGANISATION_COLORS: tuple[str, ...] = tuple(_COLOURS["organisations"])
#: Colours of marks that are no category: ``observed``, ``target``, ``total``, ``decrease``, ``increase``, ``neutral``.
MARK_COLORS: dict[str, str] = dict(_COLOURS["marks"])


def scenario_color(scenario_id: str, others: list[str] | tuple[str, ...] = ()) -> str:
    """The colour of a scenario: its own, else the fallback at its rank among ``others``, the scenarios
    without a colour of their own drawn in the same document."""
    if scenario_id in SCENARIO_COLORS:
        return SCENARIO_COLORS[scenario_id]
    rest = [s for s in others if s not in SCENARIO_COLORS]
    k = rest.index(scenario_id) if scenario_id in rest else 0
    return SCENARIO_FALLBACK_COLORS[k % len(SCENARIO_FALLBACK_COLORS)]


UNITS: dict[str, Unit] = {
    name: Unit(name, u.get("code"), u["display"], float(u["factor"]), int(u["decimals"]), u.get("iamc"))
    for name, u in _RAW["units"].items()}
#: Published formats of the raw files (``format`` key of a ``.meta.yml``) → French name.
FORMATS: dict[str, str] = dict(_RAW["formats"])

#: Units as stored in data/processed (``tCO2e``…), for the schemas.
STORED_UNITS: frozenset[str] = frozenset(u.code for u in UNITS.values() if u.code)


def stored_unit(name: str) -> str:
    """``t CO₂e`` → ``tCO2e``: the code of a catalogue unit in the processed tables."""
    code = UNITS[name].code
    if code is None:
        raise KeyError(f"unit {name!r} is not stored in data/processed")
    return code


@dataclass(frozen=True)
class IamcVariable:
    variable: str
    unit: str  # IAMC unit
    factor: float  # IAMC value = stored value × factor


def iamc_variable(key: str, **labels: str) -> IamcVariable:
    """The IAMC variable ``key`` of vocabulary.yml, with ``{sector}``… replaced by French labels.

    >>> iamc_variable("emissions_sector", sector="residentiel").variable
    'Émissions GES|Résidentiel'
    """
    v = _RAW["iamc"][key]
    names = {"sector": SECTOR_LABELS, "carrier": CARRIER_LABELS, "technology": TECHNOLOGY_LABELS}
    filled = {k: names[k].get(c, c) for k, c in labels.items()}
    unit = UNITS[v["unit"]]
    return IamcVariable(v["variable"].format(**filled), unit.iamc, unit.factor)


def check() -> list[str]:
    """Problems of vocabulary.yml (groups naming unknown codes, IAMC units without an IAMC name)."""
    raw, problems = _RAW, []
    for group, kind in (("sector_groups", "sectors"), ("carrier_groups", "carriers"),
                        ("technology_groups", "technologies")):
        for name, codes in raw[group].items():
            problems += [f"{group}.{name} : code inconnu « {c} »" for c in codes if c not in raw[kind]]
    for key, v in raw["iamc"].items():
        if v["unit"] not in UNITS or not UNITS[v["unit"]].iamc:
            problems.append(f"iamc.{key} : unité sans nom IAMC « {v['unit']} »")
    return problems


#: Unaccented word → French spelling (vocabulary.yml ``accents``).
ACCENTS: dict[str, str] = dict(_RAW.get("accents") or {})
_ACCENTS_RE = None


def with_accents(text: str) -> str:
    """A data label with its French accents restored (« Loi europeenne » → « Loi européenne »)."""
    import re

    global _ACCENTS_RE
    if _ACCENTS_RE is None:
        words = sorted(ACCENTS, key=len, reverse=True)
        _ACCENTS_RE = re.compile(r"(?<![\w'])(" + "|".join(re.escape(w) for w in words) + r")(?![\w'])")
    return _ACCENTS_RE.sub(lambda m: ACCENTS[m.group(1)], str(text))


#: Acronym or method name → {"long": spelled-out form, "note": optional} (vocabulary.yml ``glossary``), without the
#: acronyms of any territory: :func:`glossary` adds those of a report's territory.
GENERIC_GLOSSARY: dict[str, dict[str, str]] = dict(_RAW.get("glossary") or {})

#: Plural of the nouns of the EPCI designations (their ``sujet`` without its article).
PLURALS = {"agglomération": "agglomérations", "communauté de communes": "communautés de communes",
           "communauté urbaine": "communautés urbaines", "métropole": "métropoles"}
_NUMBERS = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit", 9: "neuf", 10: "dix"}


def number_word(n: int) -> str:
    """« trois » for 3 (2 to 10 in words, the others in digits), as a sentence counts a few things."""
    return _NUMBERS.get(n, str(n))


def noun(subject: str) -> str:
    """« l'agglomération » → « agglomération », « la communauté de communes » → « communauté de communes »."""
    for article in ("le ", "la ", "les ", "l'", "l’"):
        if subject.startswith(article):
            return subject[len(article):]
    return subject


def members_noun(kinds) -> str:
    """The plural name of EPCIs of the designations ``kinds`` (dicts with ``sujet``): « agglomérations » when all are
    agglomerations, else « intercommunalités »."""
    nouns = {noun(str(k.get("sujet") or "")) for k in kinds}
    return PLURALS.get(next(iter(nouns)), "intercommunalités") if len(nouns) == 1 else "intercommunalités"


def _spelled_epci(epci: dict) -> str:
    """« CA de Lens - Liévin » → « communauté d'agglomération de Lens-Liévin »: the DGCL name with its legal
    form spelled out (the designation's ``libelle``) and a tight hyphen."""
    name, legal = str(epci.get("nom") or epci.get("nom_court")), str(epci.get("nature_juridique") or "")
    label = str((epci.get("nature") or {}).get("libelle") or "")
    if legal and label and name.startswith(legal + " "):
        name = label + name[len(legal):]
    return name.replace(" - ", "-")


def glossary(decl=None) -> dict[str, dict[str, str]]:
    """The glossary of a report on the territory of the declaration ``decl`` (:class:`pma_eval.declaration.Declared`,
    None: the generic one): the generic acronyms and method names, its short name and those of its EPCIs spelled
    out, and what « EPCI » names there (« ici les trois agglomérations du Pôle »)."""
    out = {k: dict(v) for k, v in GENERIC_GLOSSARY.items()}
    if decl is None:
        return out
    own = {decl.short: {"long": decl.name}}
    for e in decl.epcis:
        own.setdefault(str(e.get("nom_court")), {"long": _spelled_epci(e)})  # one EPCI: the territory's own name
    n = len(decl.epcis)
    if n > 1 and "EPCI" in out:
        out["EPCI"]["note"] = (f"ici les {number_word(n)} {members_noun(e.get('nature') or {} for e in decl.epcis)}"
                               f" {decl.kind.of}")
    return {**own, **out}


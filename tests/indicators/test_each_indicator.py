"""One named test per catalogue indicator, against a calculation written here.

Every expected value is computed in this file from the **raw files as published** (read with the
standard ``csv`` module, not with the workbench's readers or pandas pipeline), for one territory
and one year, and the origin of each number is stated beside it:

- greenhouse gases: the CITEPA IGT file (``data/raw/ges``), Lens (62498) in 2016, and the CALL
  (sum of its 36 communes, membership from ``data/raw/territoire/pma_communes.csv``);
- population: the INSEE legal populations file (``data/raw/population``), millésime = year;
- energy: the demonstration files in the Agence ORE wide layout (electricity and gas, columns
  ``consoa/i/t/r/na`` in MWh) and in the inventory template (other carriers), Lens in 2019;
- renewables: the demonstration ODRÉ registry snapshot at 31/12/2019 (``puismaxinstallee`` in kW,
  ``nbinstallations``, ``energieannuelleglissanteinjectee`` in kWh), Lens (wind and bioenergy: the
  first commune that has some);
- air pollutants: the demonstration file in the inventory template (``data/raw/demonstration``,
  ``energie_ou_gaz`` = NOx, PM10, PM2,5, COVNM, SO2 or NH3, in t), the CALL in 2023;
- sequestration: the demonstration file in the ALDO template (``data/raw/demonstration``, flows in
  t CO₂e a year with ALDO's sign, stocks in t C), the CALL, entered for 2018 and carried to 2016;
- weather: the ODRÉ daily temperatures of the Hauts-de-France (``TMoy (°C)`` by ``Date``), degree-days
  base 17 °C on January–May and October–December, the normal being the mean of 2016–2024, and the
  demonstration thermosensitive shares (``part`` by ``secteur`` and ``energie``), applied to the energy of
  Lens in 2019;
- networks and bill: the ORE long file 2022–2023 (``nb_sites``, ``conso_totale_mwh`` by
  ``code_grand_secteur``) and the inventory rows of Lens in 2023, × the demonstration prices
  (``prix`` in €/MWh by ``energie`` and ``secteur``, else ``tous``);
- renewable heat and gas: the demonstration file in the production template (``filiere``, MWh), the CALL
  in 2019 (heat) and 2023 (biomethane: no row, the indicator is absent); the real register of biomethane
  injection sites (``data/raw/renouvelables``, ``Capacite de production (GWh/an)``, ``Date de mise en
  service``, ``Code Commune Courant``), the CAHC in 2022; the CALL's consumption and
  renewable electricity are the ORE EPCI file, the inventory rows and the ODRÉ snapshot of its communes;
- networks and actions: the fictional example registers (``data/raw/activite``), the Pôle in 2023.

A test fails if the build or the catalogue computes something else than what is written here.
``test_every_catalogue_indicator_has_its_hand_calculation`` fails when an indicator is added to
the catalogue without one.
"""

from __future__ import annotations

import csv
import math
import unicodedata
from collections import defaultdict
from functools import lru_cache

import pytest

from pma_eval.indicators import load_catalogue

from ..conftest import REPO

RAW = REPO / "data" / "raw"
LENS, CALL, CAHC = "62498", "246200364", "246200299"
PCAET = ["residentiel", "tertiaire", "transport_routier", "autres_transports", "agriculture", "dechets",
         "industrie_hors_energie", "branche_energie"]  # arrêté du 4 août 2016, in the order of the decree
IGT_COLUMNS = {"residentiel": "Résidentiel", "tertiaire": "Tertiaire", "transport_routier": "Routier",
               "autres_transports": "Autres transports", "agriculture": "Agriculture", "dechets": "Déchets",
               "industrie_hors_energie": "Industrie hors-énergie", "branche_energie": "Energie",
               "co2_biomasse_hors_total": "CO2 biomasse hors-total"}  # header of the published IGT file


def _rows(path, delimiter=","):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def _num(text: str) -> float:
    return float(text) if text.strip() else 0.0


# --- raw inputs ------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def population(code: str, year: int) -> float:
    rows = _rows(RAW / "population" / "pma_population_communes.csv")
    return sum(float(r["population_municipale"]) for r in rows if r["code_insee"] == code and int(r["millesime"]) == year)


@lru_cache(maxsize=None)
def call_communes() -> tuple[str, ...]:
    return tuple(r["code_insee"] for r in _rows(RAW / "territoire" / "pma_communes.csv") if r["epci_siren"] == CALL)


@lru_cache(maxsize=None)
def igt(code: str) -> dict[str, float]:
    """Emissions of one commune in the IGT file [t CO2e], by sector (an empty cell is 0 here:
    Lens and the CALL communes have no gap in the sectors every commune has)."""
    row = next(r for r in _rows(RAW / "ges" / "igt_citepa_ges_communes_pma.csv") if r["INSEE commune"] == code)
    return {s: _num(row[c]) for s, c in IGT_COLUMNS.items()}


@lru_cache(maxsize=None)
def energy_lens_2019() -> dict[tuple[str, str], float]:
    """(sector, carrier) → MWh for Lens in 2019: ORE wide file (electricity, gas) + inventory template."""
    out: dict[tuple[str, str], float] = defaultdict(float)
    ore = _rows(RAW / "demonstration" / "ore_conso_elec_gaz_communes_2012_2021_demo.csv", ";")
    blocks = {"a": "agriculture", "i": "industrie_hors_energie", "t": "tertiaire", "r": "residentiel",
              "na": "non_affecte"}
    for r in ore:
        if r["code_commune"] == LENS and r["annee"] == "2019":
            carrier = {"Electricité": "electricite", "Gaz": "gaz"}[r["filiere"]]
            for suffix, sector in blocks.items():
                out[(sector, carrier)] += _num(r[f"conso{suffix}"])
    inv = _rows(RAW / "demonstration" / "inventaire_energie_ges_communes_2012_2023_demo.csv", ";")
    for r in inv:
        if r["territoire"] == LENS and r["annee"] == "2019" and r["energie_ou_gaz"] != "GES":
            assert r["unite"] == "MWh"
            out[(r["secteur"], r["energie_ou_gaz"])] += float(r["valeur"])
    return dict(out)


def conso(sector: str | None = None, carrier: str | None = None) -> float:
    return sum(v for (s, c), v in energy_lens_2019().items()
               if (sector is None or s == sector) and (carrier is None or c == carrier))


@lru_cache(maxsize=None)
def registry_2019() -> dict[tuple[str, str], dict[str, float]]:
    """(commune, technology) → capacity [kW], installations, production [MWh] in the ODRÉ snapshot of 31/12/2019."""
    out: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    filieres = {"Solaire": "solaire_pv", "Eolien": "eolien", "Bioénergies": "bioenergies"}
    for r in _rows(RAW / "demonstration" / "odre_registre_au_31122019_demo.csv", ";"):
        t = out[(r["codeinseecommune"], filieres.get(r["filiere"], r["filiere"]))]
        t["capacity"] += _num(r["puismaxinstallee"])
        t["installations"] += _num(r["nbinstallations"]) or 1.0
        t["production"] += _num(r["energieannuelleglissanteinjectee"]) / 1000  # kWh → MWh
    return {k: dict(v) for k, v in out.items()}


def registry(tech: str, variable: str, code: str = LENS) -> float:
    return registry_2019().get((code, tech), {}).get(variable, 0.0)


def site(tech: str) -> str:
    """The first commune (by code) with an installation of ``tech`` in the snapshot (Lens has only solar)."""
    return min(c for c, t in registry_2019() if t == tech)


def renewable_production() -> float:
    return sum(registry(t, "production") for t in ("solaire_pv", "eolien", "bioenergies", "hydraulique",
                                                    "geothermie", "energies_marines"))


# --- activity registers (fictional example) ----------------------------------------------------------

def _person(text: str) -> str:
    """The identity the pseudonym is keyed on: accents, case and spaces normalised."""
    return " ".join(unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().split())


@lru_cache(maxsize=None)
def activity() -> dict:
    a = RAW / "activite"
    events = _rows(a / "evenements_exemple_fictif.csv", ";")
    year_of = {e["id_evenement"]: int(e["date"][:4]) for e in events}
    parts = [dict(p, year=year_of[p["id_evenement"]]) for p in _rows(a / "participations_exemple_fictif.csv", ";")
             if p["id_evenement"] in year_of]
    return {"events": events, "parts": parts, "projects": _rows(a / "projets_labellises_exemple_fictif.csv", ";"),
            "strategy": _rows(a / "strategie_exemple_fictif.csv", ";"),
            "actions": _rows(a / "actions_exemple_fictif.csv", ";")}


Y = 2023  # the year of the activity checks
ORG_TYPES = 11  # closed list of organisation types (activity/schema.py; Pielou's evenness divides by ln 11)


def events(kind: str | None = None, epci: str | None = None) -> float:
    ev = [e for e in activity()["events"] if int(e["date"][:4]) == Y and (epci is None or e["epci"] == epci)]
    if kind == "autres":
        return sum(e["type"] not in ("Grand Forum", "Rencontres du forum") for e in ev)
    return sum(kind is None or e["type"] == kind for e in ev)


def people(year: int = Y) -> dict[str, str]:
    """Person → organisation type of their first participation of the year (file order)."""
    out: dict[str, str] = {}
    for p in activity()["parts"]:
        if p["year"] == year:
            out.setdefault(_person(p["personne"]), p["type_organisation"])
    return out


def orgs(year: int) -> set[str]:
    return {p["organisation"] for p in activity()["parts"] if p["year"] == year}


def shannon() -> float:
    counts = defaultdict(int)
    for t in people().values():
        counts[t] += 1
    n = sum(counts.values())
    return -sum(c / n * math.log(c / n) for c in counts.values())


def share_of_people(types: set[str]) -> float:
    p = people()
    return 100 * sum(t in types for t in p.values()) / len(p)


def projects(status: str | None = None, epci: str | None = None) -> float:
    return sum(int(p["date_labellisation"][:4]) <= Y and p["statut"] != "candidat"
               and (status is None or p["statut"] == status) and (epci is None or p["epci"] == epci)
               for p in activity()["projects"])


def commitments_rate(statuses: set[str]) -> float:
    commitments = {s["id_engagement"] for s in activity()["strategy"]}
    started = [a for a in activity()["actions"] if not a["debut"] or a["debut"] <= f"{Y}-12-31"]
    hit = {a["id_engagement"] for a in started if a["statut"] in statuses}
    return 100 * len(hit & commitments) / len(commitments)


def budget_execution() -> float:
    started = [a for a in activity()["actions"] if not a["debut"] or a["debut"] <= f"{Y}-12-31"]
    return 100 * sum(_num(a["budget_depense_eur"]) for a in started) / sum(_num(a["budget_prevu_eur"]) for a in started)


STARTED = {"en cours", "réalisé", "en pause", "bloqué", "en retard"}  # an action under way or past it


def _earlier_people() -> set[str]:
    return {_person(p["personne"]) for p in activity()["parts"] if p["year"] < Y}


def _earlier_orgs() -> set[str]:
    return {p["organisation"] for p in activity()["parts"] if p["year"] < Y}


AIR_LABELS = {"nox": "NOx", "pm10": "PM10", "pm25": "PM2,5", "covnm": "COVNM", "so2": "SO2", "nh3": "NH3"}


@lru_cache(maxsize=None)
def air(pollutant: str, year: int = 2023) -> float:
    """Tonnes of a pollutant of the CALL: sum of its sector rows in the demonstration inventory file."""
    rows = _rows(RAW / "demonstration" / "inventaire_polluants_air_epci_2005_2023_demo.csv", delimiter=";")
    return sum(float(r["valeur"]) for r in rows if r["territoire"] == CALL and int(r["annee"]) == year
               and r["energie_ou_gaz"] == AIR_LABELS[pollutant] and r["unite"] == "t")


def aldo(quantity: str) -> float:
    """The CALL's sum of one quantity of the ALDO demonstration file (flows with ALDO's sign)."""
    rows = _rows(RAW / "demonstration" / "aldo_sequestration_epci_2018_demo.csv", delimiter=";")
    return sum(float(r["valeur"]) for r in rows if r["territoire"] == CALL and r["grandeur"] == quantity)


HEAT_SOURCES = {"enr_chaleur_bois_domestique": "bois_domestique", "enr_chaleur_chaufferies_bois": "chaufferies_bois",
                "enr_chaleur_pompes_a_chaleur": "pompes_a_chaleur", "enr_chaleur_solaire_thermique": "solaire_thermique",
                "enr_chaleur_geothermie_profonde": "geothermie_profonde", "enr_chaleur_biogaz": "methanisation_chaleur",
                "enr_chaleur_recuperation": "chaleur_recuperation"}


def heat(source: str | None, year: int = 2019) -> float | None:
    """MWh of the CALL in the production template for one source (None: the heat sources together);
    None when the file has no such row (an indicator is then absent, not zero)."""
    rows = [r for r in _rows(RAW / "demonstration" / "production_enr_chaleur_gaz_epci_2012_2023_demo.csv", ";")
            if r["territoire"] == CALL and int(r["annee"]) == year and r["unite"] == "MWh"
            and (r["filiere"] == source if source else r["filiere"] != "biomethane")]
    return sum(float(r["valeur"]) for r in rows) if rows else None


def biomethane_sites(what: str, year: int = 2023) -> float:
    """Sites of the CAHC in service at 31/12 of ``year`` in the real register (count, or capacity GWh → MWh):
    rows whose ``Code Commune Courant`` is one of its communes, commissioned by ``year``, not closed by then."""
    cahc = tuple(r["code_insee"] for r in _rows(RAW / "territoire" / "pma_communes.csv") if r["epci_siren"] == CAHC)
    rows = [r for r in _rows(RAW / "renouvelables" / "points-injection-biomethane_2023-05-29.csv", ";")
            if r["Code Commune Courant"] in cahc and int(r["Date de mise en service"][:4]) <= year
            and not (r["Date de fermeture du site"] and int(r["Date de fermeture du site"][:4]) <= year)]
    return float(len(rows)) if what == "count" else sum(1000 * float(r["Capacite de production (GWh/an)"]) for r in rows)


@lru_cache(maxsize=None)
def call_elec_2019() -> float:
    """Renewable electricity of the CALL: the 2019 ODRÉ snapshot rows of its 36 communes (kWh → MWh)."""
    return sum(v.get("production", 0.0) for (c, t), v in registry_2019().items()
               if c in call_communes() and t in ("solaire_pv", "eolien", "bioenergies", "hydraulique", "geothermie",
                                                 "energies_marines"))


@lru_cache(maxsize=None)
def call_conso_2019() -> float:
    """Final consumption of the CALL in 2019: the ORE EPCI file (electricity and gas, all sector columns) and
    the inventory rows (other carriers) of its communes."""
    total = sum(_num(r[f"conso{x}"]) for r in _rows(RAW / "demonstration" / "ore_conso_elec_gaz_epci_2012_2021_demo.csv", ";")
                if r["code_epci"] == CALL and r["annee"] == "2019" for x in ("a", "i", "t", "r", "na"))
    return total + sum(float(r["valeur"]) for r in _rows(RAW / "demonstration" / "inventaire_energie_ges_communes_2012_2023_demo.csv", ";")
                       if r["territoire"] in call_communes() and r["annee"] == "2019" and r["energie_ou_gaz"] != "GES")


def _total_2019() -> float:
    return call_elec_2019() + heat(None) + (heat("biomethane") or 0.0)


@lru_cache(maxsize=None)
def degree_days() -> tuple[dict[int, float], float]:
    """Degree-days by year from 2016 and their normal, from the ODRÉ daily temperatures of the Hauts-de-France:
    17 − TMoy on the days under 17 °C of January–May and October–December (SDES); a month missing days is
    brought to its length (sum × days of the month ÷ days present); the normal is the mean of the complete
    years 2016–2024 (2025 lacks December)."""
    import calendar

    path = RAW / "energie" / "temperature-quotidienne-regionale_hauts-de-france.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    months: dict[tuple[int, int], list[float]] = defaultdict(list)
    for r in rows:
        day, month, year = (int(x) for x in r["Date"].split("/"))
        if month in (1, 2, 3, 4, 5, 10, 11, 12):
            months[(2000 + year, month)].append(max(0.0, 17 - float(r["TMoy (°C)"])))
    dju = {y: sum(sum(months[(y, m)]) * calendar.monthrange(y, m)[1] / len(months[(y, m)])
                  for m in (1, 2, 3, 4, 5, 10, 11, 12)) for y in range(2016, 2025)}
    return dju, sum(dju.values()) / len(dju)


def conso_corrected(sector: str | None = None, year: int = 2019) -> float:
    """Lens 2019 at normal climate: each (sector, energy) value ÷ ((1 − s) + s × DJU / normal)."""
    shares = {(r["secteur"], r["energie"]): float(r["part"])
              for r in _rows(RAW / "demonstration" / "parts_thermosensibles_demo.csv", ";")}
    dju, normal = degree_days()
    return sum(v / ((1 - shares.get((s, c), 0.0)) + shares.get((s, c), 0.0) * dju[year] / normal)
               for (s, c), v in energy_lens_2019().items() if sector is None or s == sector)


ORE_LONG_SECTORS = {"AGRICULTURE": "agriculture", "INDUSTRIE": "industrie_hors_energie", "RESIDENTIEL": "residentiel",
                    "TERTIAIRE": "tertiaire"}  # code_grand_secteur of the ORE long layout


@lru_cache(maxsize=None)
def lens_2023() -> tuple[dict[str, float], dict[tuple[str, str], float]]:
    """Delivery points by energy, and MWh by (sector, energy), of Lens in 2023."""
    points: dict[str, float] = defaultdict(float)
    mwh: dict[tuple[str, str], float] = defaultdict(float)
    for r in _rows(RAW / "demonstration" / "ore_conso_elec_gaz_communes_2022_2023_demo.csv", ";"):
        if r["code_commune"] == LENS and r["annee"] == "2023":
            carrier = {"Electricité": "electricite", "Gaz": "gaz"}[r["filiere"]]
            points[carrier] += _num(r["nb_sites"])
            mwh[(ORE_LONG_SECTORS.get(r["code_grand_secteur"], "non_affecte"), carrier)] += _num(r["conso_totale_mwh"])
    for r in _rows(RAW / "demonstration" / "inventaire_energie_ges_communes_2012_2023_demo.csv", ";"):
        if r["territoire"] == LENS and r["annee"] == "2023" and r["energie_ou_gaz"] not in ("GES", "chaleur_reseau"):
            mwh[(r["secteur"], r["energie_ou_gaz"])] += float(r["valeur"])
    # The heat network of Lens in 2023 is the SDES IRIS file (release 2023-09, second header row = codes): its
    # deliveries in Lens IRIS codes (62498…) by sector; a « secret » cell is unknown and left out (a minimum).
    with open(RAW / "energie" / "conso-pdl-iris-chaleur-froid.2023-09_pas-de-calais.csv", encoding="utf-8-sig") as f:
        next(f)  # the label row
        for r in csv.DictReader(f, delimiter=";"):
            if r["IRIS"].startswith(LENS) and r["FILIERE"] == "C" and r["CONSO"] not in ("secret", "nd"):
                sector = {"R": "residentiel", "T": "tertiaire", "I": "industrie_hors_energie", "A": "agriculture",
                          "X": "non_affecte"}[r["CODE_GRAND_SECTEUR"]]
                mwh[(sector, "chaleur_reseau")] += float(r["CONSO"])
    return dict(points), dict(mwh)


def bill_lens_2023() -> float:
    prices = {(r["energie"], r["secteur"]): float(r["prix"])
              for r in _rows(RAW / "demonstration" / "prix_energie_2022_2023_demo.csv", ";") if r["annee"] == "2023"}
    total = 0.0
    for (sector, carrier), v in lens_2023()[1].items():
        price = prices.get((carrier, sector), prices.get((carrier, "tous")))
        if price is not None:  # an energy without a price is left out (the total is then a minimum)
            total += v * price
    return total


# --- the hand calculations: indicator → (level, code, year, expected value) --------------------------

def _g(s: str) -> float:
    return igt(LENS)[s]


def _ges_total(code: str = LENS) -> float:
    return sum(igt(code)[s] for s in PCAET)


HAND: dict[str, tuple[str, str, int, callable]] = {
    # INSEE legal population, millésime 2016 (published at the end of 2018), Lens.
    "population": ("commune", LENS, 2016, lambda: population(LENS, 2016)),
    # change from millésime 2016 to 2017, in % (2015 is interpolated, so 2017 is used here).
    "population_evolution": ("commune", LENS, 2017, lambda: 100 * (population(LENS, 2017) / population(LENS, 2016) - 1)),
    # IGT: sum of the eight PCAET sector columns of the CALL's 36 communes (biomass CO2 and international
    # transport left out).
    "ges_total": ("epci", CALL, 2016, lambda: sum(_ges_total(c) for c in call_communes())),
    # ratio of totals: the Lens IGT total over its legal population 2016.
    "ges_par_habitant": ("commune", LENS, 2016, lambda: _ges_total() / population(LENS, 2016)),
    **{f"ges_{s}": ("commune", LENS, 2016, (lambda s=s: _g(s))) for s in PCAET},
    "ges_transports": ("commune", LENS, 2016, lambda: _g("transport_routier") + _g("autres_transports")),
    "ges_batiments": ("commune", LENS, 2016, lambda: _g("residentiel") + _g("tertiaire")),
    **{f"part_ges_{s}": ("commune", LENS, 2016, (lambda s=s: 100 * _g(s) / _ges_total())) for s in PCAET},
    "ges_co2_biomasse": ("commune", LENS, 2016, lambda: _g("co2_biomasse_hors_total")),
    # ORE wide file (consoa+consoi+consot+consor+consona, electricity and gas) + inventory template rows.
    "conso_energie_finale": ("commune", LENS, 2019, lambda: conso()),
    "conso_energie_par_habitant": ("commune", LENS, 2019, lambda: conso() / population(LENS, 2019)),
    **{f"conso_{s}": ("commune", LENS, 2019, (lambda s=s: conso(sector=s)))
       for s in ("residentiel", "tertiaire", "transport_routier", "agriculture", "industrie_hors_energie")},
    **{f"conso_{c}": ("commune", LENS, 2019, (lambda c=c: conso(carrier=c)))
       for c in ("electricite", "gaz", "produits_petroliers", "bois_energie")},
    # Béthune 2023, SDES IRIS file (release 2023-09): its 12 deliveries in Béthune IRIS codes (6211901xx), by hand.
    "conso_chaleur_reseau": ("commune", "62119", 2023, lambda: (
        2999.81608581543 + 8644.83912658691 + 3351.78002929687 + 1330.65399169922 + 1984.28601074219
        + 1779.95997619629 + 3297.73998069763 + 7585.03500747679 + 2106.21800231933 + 928.160018920897
        + 590.174003601074 + 5782.28896999358)),
    **{f"part_conso_{s}": ("commune", LENS, 2019, (lambda s=s: 100 * conso(sector=s) / conso()))
       for s in ("residentiel", "tertiaire", "transport_routier", "agriculture", "industrie_hors_energie")},
    # Climate-corrected consumption of Lens in 2019 (real DJU 2019 / normal = 1,01), per inhabitant; degree-days.
    "conso_energie_finale_corrigee": ("commune", LENS, 2019, lambda: conso_corrected()),
    "conso_residentiel_corrigee": ("commune", LENS, 2019, lambda: conso_corrected("residentiel")),
    "conso_tertiaire_corrigee": ("commune", LENS, 2019, lambda: conso_corrected("tertiaire")),
    "conso_energie_par_habitant_corrigee": ("commune", LENS, 2019,
                                            lambda: conso_corrected() / population(LENS, 2019)),
    "dju_chauffage": ("epci", CALL, 2019, lambda: degree_days()[0][2019]),
    "indice_rigueur_climatique": ("pma", "PMA", 2019, lambda: degree_days()[0][2019] / degree_days()[1]),
    # ORE long file 2023: delivery points (nb_sites) of each network; the bill: MWh × € per MWh.
    "points_livraison_electricite": ("commune", LENS, 2023, lambda: lens_2023()[0]["electricite"]),
    "points_livraison_gaz": ("commune", LENS, 2023, lambda: lens_2023()[0]["gaz"]),
    "facture_energetique": ("commune", LENS, 2023, bill_lens_2023),
    "facture_energetique_par_habitant": ("commune", LENS, 2023, lambda: bill_lens_2023() / population(LENS, 2023)),
    # ODRÉ snapshot at 31/12/2019: renewable production (kWh → MWh), capacity (kW), installations.
    "enr_elec_production": ("commune", LENS, 2019, renewable_production),
    **{f"enr_production_{t}": ("commune", site(t), 2019, (lambda t=t: registry(t, "production", site(t))))
       for t in ("solaire_pv", "eolien", "bioenergies")},
    **{f"enr_puissance_{t}": ("commune", site(t), 2019, (lambda t=t: registry(t, "capacity", site(t))))
       for t in ("solaire_pv", "eolien", "bioenergies")},
    "pv_installations": ("commune", LENS, 2019, lambda: registry("solaire_pv", "installations")),
    # kW × 1000 = W, over the legal population 2019.
    "pv_puissance_par_habitant": ("commune", LENS, 2019,
                                  lambda: 1000 * registry("solaire_pv", "capacity") / population(LENS, 2019)),
    # renewable production over electricity consumption, in %.
    "couverture_elec_enr": ("commune", LENS, 2019, lambda: 100 * renewable_production() / conso(carrier="electricite")),
    # Air pollutants of the CALL in 2023 (t), and per inhabitant: t × 1000 = kg over the sum of the legal
    # populations 2023 of its 36 communes.
    **{f"air_{p}": ("epci", CALL, 2023, (lambda p=p: air(p))) for p in AIR_LABELS},
    **{f"air_{p}_par_habitant": ("epci", CALL, 2023,
                                 (lambda p=p: 1000 * air(p) / sum(population(c, 2023) for c in call_communes())))
       for p in AIR_LABELS},
    # ALDO: sequestration = − Σ flows (negative = absorbed); stock = Σ stocks (t C). The 2018 flow stands
    # for 2016 (the first entered year after it); net emissions 2016 = the IGT total − sequestration.
    "sequestration_nette": ("epci", CALL, 2018, lambda: -aldo("flux")),
    "stock_carbone": ("epci", CALL, 2018, lambda: aldo("stock")),
    "ges_nettes": ("epci", CALL, 2016, lambda: sum(_ges_total(c) for c in call_communes()) + aldo("flux")),
    # Production template, the CALL in 2019: each heat source's row (MWh), and their sum; biomethane in 2023.
    "enr_chaleur_production": ("epci", CALL, 2019, lambda: heat(None)),
    **{i: ("epci", CALL, 2019, (lambda f=f: heat(f))) for i, f in HEAT_SOURCES.items()},
    "biomethane_injection": ("epci", CALL, 2023, lambda: heat("biomethane", 2023)),
    # Real register: the CAHC's sites in service at 31/12/2022 (Hénin-Beaumont 22/09/2015, Dourges
    # 28/04/2022), and their capacity (GWh × 1000): 32 176,8 + 21 451,2 MWh a year.
    "biomethane_sites": ("epci", CAHC, 2022, lambda: biomethane_sites("count", 2022)),
    "biomethane_capacite": ("epci", CAHC, 2022, lambda: biomethane_sites("capacity", 2022)),
    # Total = electricity + heat + biomethane (TeT cae_3.a); its share of final consumption, in %, the
    # heat pumps' ambient heat added to the consumption as it is to the production (issue 23).
    "enr_production_totale": ("epci", CALL, 2019, _total_2019),
    "part_enr_conso_finale": ("epci", CALL, 2019,
                              lambda: 100 * _total_2019() / (call_conso_2019() + heat("pompes_a_chaleur"))),
    # Example registers, 2023: events by type, the CALL's events, people counted once a year.
    "evenements_total": ("epci", CALL, Y, lambda: events(epci="CALL")),
    "evenements_grand_forum": ("pma", "PMA", Y, lambda: events("Grand Forum")),
    "evenements_rencontres": ("pma", "PMA", Y, lambda: events("Rencontres du forum")),
    "evenements_autres": ("pma", "PMA", Y, lambda: events("autres")),
    "participations_total": ("pma", "PMA", Y, lambda: sum(p["year"] == Y for p in activity()["parts"])),
    "participants_uniques": ("pma", "PMA", Y, lambda: len(people())),
    "organisations_uniques": ("pma", "PMA", Y, lambda: len(orgs(Y))),
    "organisations_nouvelles": ("pma", "PMA", Y, lambda: len(orgs(Y) - _earlier_orgs())),
    "part_participants_fideles": ("pma", "PMA", Y, lambda: 100 * len(set(people()) & _earlier_people()) / len(people())),
    # Shannon H = −Σ p ln p over the organisation types of the year's people; Pielou's J = H / ln 11.
    "diversite_shannon": ("pma", "PMA", Y, shannon),
    "diversite_equitabilite": ("pma", "PMA", Y, lambda: shannon() / math.log(ORG_TYPES)),
    # EPCIs (out of 3) where at least one event took place.
    "couverture_epci": ("pma", "PMA", Y, lambda: 100 * len({e["epci"] for e in activity()["events"]
                                                             if int(e["date"][:4]) == Y} & {"CALL", "CAHC", "CABBALR"}) / 3),
    "part_public_elus": ("pma", "PMA", Y, lambda: share_of_people({"élu"})),
    "part_public_jeunesse": ("pma", "PMA", Y, lambda: share_of_people({"jeunesse", "formation"})),
    "part_public_emploi": ("pma", "PMA", Y, lambda: share_of_people({"emploi"})),
    # Projects labelled by the end of the year (candidates excluded); the CALL's; those done.
    "projets_labellises": ("epci", CALL, Y, lambda: projects(epci="CALL")),
    "projets_realises": ("pma", "PMA", Y, lambda: projects(status="réalisé")),
    # Commitments with an action started (or done) by 31/12, over all commitments, in %.
    "taux_engagements_engages": ("pma", "PMA", Y, lambda: commitments_rate(STARTED)),
    "taux_concretisation": ("pma", "PMA", Y, lambda: commitments_rate({"réalisé"})),
    # Budget spent over budget planned of the actions started by 31/12, in %.
    "execution_budgetaire": ("pma", "PMA", Y, budget_execution),
}


def test_every_catalogue_indicator_has_its_hand_calculation():
    assert set(HAND) == {i.id for i in load_catalogue()}


@pytest.fixture(scope="module")
def computed(built_paths):
    from pma_eval.processed import load

    ind = load("indicators", built_paths)
    return ind.set_index(["indicator_id", "geo_level", "geo_code", "year"])["value"]


@pytest.mark.parametrize("indicator_id", sorted(HAND))
def test_indicator_matches_the_hand_calculation(indicator_id, computed):
    level, code, year, expected = HAND[indicator_id]
    if expected() is None:  # nothing in the raw files: the indicator is absent, never zero
        assert (indicator_id, level, code, year) not in computed.index
        return
    value = float(computed.loc[(indicator_id, level, code, year)])
    want = float(expected())
    assert want == want and math.isclose(value, want, rel_tol=1e-9, abs_tol=1e-9), (indicator_id, value, want)

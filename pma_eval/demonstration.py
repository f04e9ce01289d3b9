"""Seeded generator of *demonstration* series where real data is missing, for any declared territory.

The shipped open data has no multi-year energy consumption by sector and carrier, no
renewable production, and greenhouse-gas emissions for one year only. This module writes
plausible yearly series 2012–2023 by commune **in the published formats** (Agence ORE for
electricity and gas, the observatory template for the other carriers and for emissions, ODRÉ
registry snapshots for renewable electricity), so that the same readers serve demonstration
and real files, and a real file for the same source and years replaces them automatically
(see :func:`pma_eval.build.apply_precedence`).

Real anchors
------------
- CITEPA IGT emissions by commune and sector, taken as 2016 (the demonstration emissions of
  2016 are exactly the IGT values, so the real file and the series join without a step);
- Enedis 2023 residential electricity by EPCI, where the declaration names the file (the demonstration series
  of each EPCI matches it exactly in 2023);
- INSEE legal populations 2012–2023 (2015 interpolated).

Assumptions (written down, all in :data:`ASSUMPTIONS`)
------------------------------------------------------
- Energy of a sector in 2016 = energy-related share of its IGT emissions divided by the
  emission factor of an assumed carrier mix (ADEME Base Empreinte orders of magnitude:
  natural gas 0.227, heating oil 0.324, road fuels 0.265, wood 0.030, electricity 0.060 t CO2e/MWh).
- Yearly change by sector and carrier (e.g. residential heating oil −6 %/yr), a heating
  climate factor common to all communes (warm years 2014, 2020, 2022, 2023), the 2020
  lockdown (road −12 %, tertiary −5 %, industry −6 %) and 2022–2023 gas sobriety (−10 %).
- Commune noise: log-normal, σ = 3 % a year; statistical secrecy on industry and agriculture
  cells with fewer than 10 delivery points (value left empty, as Agence ORE does).
- Renewable electricity: rooftop PV under 36 kW growing from 0.012 to 0.085 kW per
  inhabitant (2012→2023, commune factor log-normal σ = 0.4), and, for 150 communes (the numbers scale with the
  territory's, :data:`PLANTS_PER_150`), 15 larger rooftops, three ground-mounted PV plants on former mining land,
  six wind farms in rural communes (of the EPCIs its declaration names, else any) and two biogas units; yields
  950 kWh/kW (PV), 23 % (wind), 70 % (biogas) load factors.

Any territory (issue 27)
-----------------------
:func:`inputs_of` gathers what the generator needs for a declared territory: its communes, EPCIs and populations
(its declaration's tables), its 2016 anchor — the rows of its communes in the region's observed inventory (the
CITEPA IGT of the Hauts-de-France is shipped), else stated national ratios per inhabitant
(:data:`NATIONAL_RATIOS_2016`) — and the settings its declaration gives under ``demonstration:`` (the Pôle's wind
farms, wood boilers, ALDO values, Enedis calibration file). Without settings, the defaults below apply and are
written in each file's caveats. ``pma-eval data demo --territoire ID`` writes the files into
``data/raw/territoire/<id>/demonstration/``.

Every file is written with ``nature: demonstration`` in its ``.meta.yml``. The generator is
run by developers (``make demo-data``) or by ``pma-eval data demo``; the build never writes in ``data/raw``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .checksum import sha256
from .vocabulary import ORE_SECTORS
from .sources import read_communes, read_enedis_residential_epci, read_igt_citepa, read_population

SEED = 20240601
YEARS = list(range(2012, 2024))
ANCHOR_YEAR = 2016

# Every constant below shapes demonstration series only (fictional, labelled as such everywhere).
#: Emission factors used to infer 2016 energy from the IGT emissions [t CO2e/MWh]: rounded total
#: (upstream included) factors of the ADEME Base Empreinte for natural gas, heating oil, road fuels,
#: wood and the average French electricity mix, as listed in ASSUMPTIONS below.
EF = {"gaz": 0.227, "produits_petroliers": 0.324, "carburants": 0.265, "bois_energie": 0.030, "electricite": 0.060}

#: Energy-related share of sector emissions and carrier mix of that energy (2016).
SECTOR_MIX = {
    "residentiel": (0.93, None),  # commune-specific mix, see _residential_mix
    "tertiaire": (0.90, {"electricite": 0.50, "gaz": 0.40, "produits_petroliers": 0.10}),
    "industrie_hors_energie": (0.70, {"electricite": 0.35, "gaz": 0.55, "produits_petroliers": 0.10}),
    "agriculture": (0.20, {"produits_petroliers": 0.80, "electricite": 0.15, "gaz": 0.05}),
    "transport_routier": (1.00, {"produits_petroliers": 0.995, "electricite": 0.005}),
}

#: Annual change of energy use by (sector, carrier): illustrative, chosen for the demonstration.
TRENDS = {
    ("residentiel", "electricite"): 0.004, ("residentiel", "gaz"): -0.015,
    ("residentiel", "produits_petroliers"): -0.06, ("residentiel", "bois_energie"): 0.01,
    ("tertiaire", "electricite"): -0.005, ("tertiaire", "gaz"): -0.015, ("tertiaire", "produits_petroliers"): -0.05,
    ("industrie_hors_energie", "electricite"): -0.01, ("industrie_hors_energie", "gaz"): -0.02,
    ("industrie_hors_energie", "produits_petroliers"): -0.04,
    ("agriculture", "produits_petroliers"): -0.005, ("agriculture", "electricite"): 0.0, ("agriculture", "gaz"): 0.0,
    ("transport_routier", "produits_petroliers"): -0.004, ("transport_routier", "electricite"): 0.35,
}
#: Annual change of non-energy emissions, and of sectors without an energy model: illustrative.
OTHER_TRENDS = {"residentiel": -0.02, "tertiaire": -0.02, "industrie_hors_energie": -0.025, "agriculture": -0.007,
                "transport_routier": 0.0, "dechets": -0.015, "branche_energie": -0.03, "autres_transports": -0.01,
                "transport_international": 0.0, "co2_biomasse_hors_total": 0.01}
#: Heating-need index of each year (1 = 2016): illustrative; the mild years follow the national ranking
#: of heating degree-days (2014, 2020, 2022 and 2023 mild, 2013 cold).
CLIMATE = {2012: 1.02, 2013: 1.08, 2014: 0.88, 2015: 0.95, 2016: 1.00, 2017: 0.96, 2018: 0.95,
           2019: 0.96, 2020: 0.89, 2021: 1.00, 2022: 0.88, 2023: 0.90}
HEATING = {"residentiel": 0.75, "tertiaire": 0.55}  # climate-sensitive share of fuel use
#: 2020 lockdown and 2022-2023 gas sobriety: illustrative orders of magnitude.
SHOCKS = {(2020, "transport_routier"): 0.88, (2020, "tertiaire"): 0.95, (2020, "industrie_hors_energie"): 0.94}
GAS_SOBRIETY = {2022: 0.90, 2023: 0.90}
#: Photovoltaic capacity per inhabitant [kW/hab]: illustrative growth path.
PV_KW_PER_HAB = dict(zip(YEARS, [0.012, 0.015, 0.018, 0.021, 0.024, 0.028, 0.033, 0.039, 0.047, 0.056, 0.069, 0.085]))

ORE_COLUMNS = ["code", "name", "year", "carrier", "sector", "value", "pdl", "secret"]
#: Blocks of the ORE wide layout: (column suffix, secrecy column suffix, sector of the generator).
WIDE_BLOCKS = (("a", "agriculture", "agriculture"), ("i", "industrie", "industrie_hors_energie"),
               ("t", "tertiaire", "tertiaire"), ("r", "residentiel", "residentiel"), ("na", "na", "non_affecte"))
LONG_SECTORS = {"residentiel": "RESIDENTIEL", "tertiaire": "TERTIAIRE", "industrie_hors_energie": "INDUSTRIE",
                "agriculture": "AGRICULTURE"}
#: Last year of the ORE wide layout; later years are published in the long layout.
LAST_WIDE_YEAR = 2021

ASSUMPTIONS = [
    "Séries de démonstration : vraisemblables mais fictives, jamais des observations.",
    "Émissions 2016 = IGT du CITEPA (réel) ; autres années : indices par secteur et vecteur appliqués à l'IGT.",
    "Énergie 2016 déduite des émissions IGT et d'un mix supposé (facteurs ADEME : gaz 0,227 ; fioul 0,324 ; "
    "carburants 0,265 ; bois 0,030 ; électricité 0,060 tCO2e/MWh).",
    "Électricité résidentielle calée exactement sur Enedis 2023 par EPCI.",
    "Climat (années douces 2014, 2020, 2022, 2023), confinement 2020, sobriété gaz 2022-2023.",
    "Bruit communal log-normal (σ = 3 %/an) ; secret statistique simulé sous 10 points de livraison (industrie, agriculture).",
    f"Graine aléatoire {SEED} : mêmes fichiers à chaque génération.",
]

#: Caveats of a territory without an Enedis file by EPCI, or without an observed inventory (generic defaults).
NO_ENEDIS = ("Électricité résidentielle : 1,6 MWh par habitant en 2016 (pas de fichier Enedis par EPCI déclaré pour ce "
             "territoire), puis l'évolution du modèle.")
#: Greenhouse-gas emissions per inhabitant by sector in France around 2016 [t CO2e/hab]: national inventory
#: (CITEPA, Secten 2018 edition, about 465 Mt CO2e for 66.7 million inhabitants), rounded; used only for communes
#: outside every observed inventory shipped, as a demonstration anchor.
NATIONAL_RATIOS_2016 = {"residentiel": 0.85, "tertiaire": 0.45, "transport_routier": 1.90, "autres_transports": 0.10,
                        "agriculture": 1.30, "industrie_hors_energie": 1.20, "branche_energie": 0.70,
                        "dechets": 0.24, "co2_biomasse_hors_total": 0.50}
NATIONAL_RATIOS_NOTE = ("Communes hors de tout inventaire observé livré : émissions 2016 = population 2016 × ratios "
                        "nationaux par habitant et par secteur (CITEPA, Secten, vers 2016, arrondis ; résidentiel 0,85 ; "
                        "tertiaire 0,45 ; routier 1,90 ; autres transports 0,10 ; agriculture 1,30 ; industrie 1,20 ; "
                        "branche énergie 0,70 ; déchets 0,24 t CO2e/hab).")


#: Air pollutants (demonstration only): tonnes of pollutant per kt CO2e of the sector's greenhouse-gas
#: emissions around 2019, rounded orders of magnitude of the national inventory (CITEPA, Secten) by
#: sector — illustrative ratios, not emission factors; the commune's demonstration GHG series carries them.
AIR_RATIOS = {
    "transport_routier": {"nox": 2.6, "pm10": 0.20, "pm25": 0.14, "covnm": 0.25, "so2": 0.004, "nh3": 0.016},
    "autres_transports": {"nox": 4.0, "pm10": 0.50, "pm25": 0.20, "covnm": 1.0, "so2": 0.20, "nh3": 0.0},
    "residentiel": {"nox": 1.1, "pm10": 1.5, "pm25": 1.4, "covnm": 2.9, "so2": 0.20, "nh3": 0.01},
    "tertiaire": {"nox": 0.6, "pm10": 0.06, "pm25": 0.05, "covnm": 0.3, "so2": 0.15, "nh3": 0.0},
    "agriculture": {"nox": 1.2, "pm10": 0.75, "pm25": 0.25, "covnm": 0.5, "so2": 0.01, "nh3": 7.0},
    "industrie_hors_energie": {"nox": 1.2, "pm10": 0.40, "pm25": 0.20, "covnm": 2.5, "so2": 0.75, "nh3": 0.06},
    "branche_energie": {"nox": 0.9, "pm10": 0.04, "pm25": 0.03, "covnm": 0.7, "so2": 0.80, "nh3": 0.01},
    "dechets": {"nox": 0.3, "pm10": 0.07, "pm25": 0.05, "covnm": 0.3, "so2": 0.07, "nh3": 0.7},
}
#: Yearly fall of each pollutant per tonne of CO2e (cleaner engines, desulphurised fuels, solvents),
#: and the yearly change of the emissions themselves before 2012, where no GHG series exists.
AIR_INTENSITY_FALL = {"nox": 0.04, "pm10": 0.03, "pm25": 0.035, "covnm": 0.025, "so2": 0.06, "nh3": 0.0}
AIR_BEFORE_2012 = {"nox": -0.045, "pm10": -0.03, "pm25": -0.04, "covnm": -0.05, "so2": -0.10, "nh3": -0.005}
AIR_FIRST_YEAR = 2005  # the reference year of the national air-pollution targets (PRÉPA)
AIR_ASSUMPTIONS = [
    "Séries de démonstration : vraisemblables mais fictives, jamais des observations.",
    "Par EPCI (pas de valeurs communales de démonstration). Polluants = émissions de GES de démonstration de "
    "chaque EPCI et secteur × ratio t de polluant par kt CO2e "
    "(ordres de grandeur nationaux vers 2019, illustratifs) ; ce ratio baisse chaque année (NOx 4 %, PM10 3 %, "
    "PM2,5 3,5 %, COVNM 2,5 %, SO2 6 %, NH3 0 %).",
    "Avant 2012 (pas de série de GES) : évolution annuelle supposée (NOx −4,5 %, PM10 −3 %, PM2,5 −4 %, COVNM −5 %, "
    "SO2 −10 %, NH3 −0,5 %), pour donner une valeur de 2005, année de référence du PRÉPA.",
    "Aucune donnée d'Atmo Hauts-de-France n'est livrée : saisissez-les dans le modèle d'inventaire.",
]


def air_inventory(inventaire: pd.DataFrame, epci_of: pd.Series) -> pd.DataFrame:
    """Demonstration air-pollutant rows of the inventory template, 2005–2023, by EPCI and sector (as
    an observatory publishes them for a PCAET), derived from the demonstration greenhouse-gas rows of
    the EPCI's communes (see :data:`AIR_ASSUMPTIONS`)."""
    ges = inventaire[(inventaire["energie_ou_gaz"] == "GES") & inventaire["secteur"].isin(list(AIR_RATIOS))]
    ges = (ges.assign(territoire=ges["territoire"].map(epci_of))
           .groupby(["territoire", "annee", "secteur"], as_index=False)["valeur"].sum())
    first = int(ges["annee"].min())
    rows = []
    for pol in AIR_INTENSITY_FALL:
        ratio = ges["secteur"].map({k: v[pol] for k, v in AIR_RATIOS.items()})
        value = ges["valeur"] / 1000 * ratio * (1 - AIR_INTENSITY_FALL[pol]) ** (ges["annee"] - 2019)
        part = ges.assign(energie_ou_gaz=pol, valeur=value)
        rows.append(part)
        base = part[part["annee"] == first]
        for year in range(AIR_FIRST_YEAR, first):
            rows.append(base.assign(annee=year, valeur=base["valeur"] * (1 + AIR_BEFORE_2012[pol]) ** (year - first)))
    out = pd.concat(rows, ignore_index=True)
    out = out[out["valeur"] >= 0.0005]
    labels = {"nox": "NOx", "pm10": "PM10", "pm25": "PM2,5", "covnm": "COVNM", "so2": "SO2", "nh3": "NH3"}
    return (out.assign(energie_ou_gaz=out["energie_ou_gaz"].map(labels), valeur=out["valeur"].round(3), unite="t",
                       source="démonstration pma-eval (fictif)")
            .sort_values(["annee", "territoire", "energie_ou_gaz", "secteur"]).reset_index(drop=True))


#: Heat pumps: renewable heat as a share of the residential and tertiary electricity of the EPCI, growing
#: from 2012 to 2023 (illustrative); solar thermal per inhabitant [MWh/hab]. The CALL's recovered heat
#: (a fictional network until issue 26) is no longer invented: its real networks (Lens, Liévin, Avion) are in
#: the SDES IRIS heat files, and the renewable or recovered part of their heat is unknown until entered.
PAC_SHARE = dict(zip(YEARS, [0.05, 0.055, 0.06, 0.066, 0.072, 0.079, 0.087, 0.096, 0.106, 0.117, 0.13, 0.145]))
SOLAR_THERMAL_PER_HAB = 0.012
#: Collective wood boilers and EPCIs whose recovered heat is left unknown: none by default; a declaration gives them
#: under ``demonstration:`` (``chaufferies_bois``: EPCI → [first year, MWh a year]; ``chaleur_recuperation_inconnue``).
HEAT_ASSUMPTIONS = [
    "Séries de démonstration : vraisemblables mais fictives, jamais des observations.",
    "Par EPCI. Bois-énergie domestique = consommation de bois-énergie du résidentiel de démonstration de l'EPCI ; "
    "chaufferies bois collectives : aucune ; géothermie profonde, chaleur des méthaniseurs et chaleur de "
    "récupération : aucune (zéro saisi) ; pompes à chaleur = 5 % (2012) à 14,5 % (2023) de l'électricité du "
    "résidentiel et du tertiaire ; solaire thermique = 0,012 MWh par habitant.",
    "Biométhane : aucune valeur de démonstration. Les sites et leurs capacités viennent du registre réel des "
    "points d'injection (data/raw/renouvelables) ; l'énergie injectée n'est connue que si elle est saisie.",
    "Aucune donnée de l'observatoire régional n'est livrée : saisissez-les dans le modèle de production "
    "(docs/chaleur_gaz_renouvelables.md).",
]


#: Demonstration outputs of the ADEME ALDO tool by EPCI (period ending 2018): stocks [t C] and net flows
#: [t CO2e a year, ALDO's sign: negative = absorbed], by land use. A declaration gives them by EPCI under
#: ``demonstration: aldo:`` (the Pôle's, written by hand); otherwise the EPCI's 2016 population × the ratios per
#: inhabitant below (orders of magnitude of an urban territory, illustrative).
ALDO_LAND_USES = ["forets", "prairies", "cultures", "zones_humides", "sols_artificiels", "haies", "produits_bois"]
ALDO_PER_HAB = ([4.9, 2.8, 8.3, 0.3, 2.8, 0.4, 0.5], [-0.079, -0.012, 0.009, -0.002, 0.031, -0.007, -0.012])
ALDO_GENERIC_NOTE = ("Par EPCI : population 2016 × ratios par habitant de démonstration (stocks en t C : forêts 4,9 ; "
                     "prairies 2,8 ; cultures 8,3 ; zones humides 0,3 ; sols artificiels 2,8 ; haies 0,4 ; produits bois "
                     "0,5 ; flux en t CO2e par an : −0,079 ; −0,012 ; 0,009 ; −0,002 ; 0,031 ; −0,007 ; −0,012).")
ALDO_ASSUMPTIONS = [
    "Valeurs fictives : remplacez-les par les sorties de l'outil ALDO de l'ADEME pour chaque EPCI (docs/sequestration.md).",
    "Flux au signe d'ALDO (négatif = absorption) ; l'atelier publie la séquestration nette (positive = absorbée).",
    "Flux annuels moyens de la période d'occupation des sols se terminant en 2018, reportés sur les autres années "
    "comme estimations.",
]


def aldo_values(settings: dict, epci_population: pd.Series | None = None) -> dict[str, tuple[list, list]]:
    """EPCI → (stocks, flows) of the demonstration: the declaration's ``aldo:``, else population × ratios."""
    given = settings.get("aldo")
    if given:
        return {str(k): (list(v["stocks"]), list(v["flux"])) for k, v in given.items()}
    return {epci: ([round(pop * r) for r in ALDO_PER_HAB[0]], [round(pop * r) for r in ALDO_PER_HAB[1]])
            for epci, pop in (epci_population if epci_population is not None else pd.Series(dtype=float)).items()}


def aldo_outputs(values: dict[str, tuple[list, list]]) -> pd.DataFrame:
    rows = [{"territoire": epci, "annee": 2018, "occupation_du_sol": land, "grandeur": qty, "valeur": v,
             "unite": "tC" if qty == "stock" else "tCO2e/an", "source": "démonstration pma-eval (fictif, format ALDO)"}
            for epci, (stocks, flows) in values.items()
            for qty, values in (("stock", stocks), ("flux", flows)) for land, v in zip(ALDO_LAND_USES, values)]
    return pd.DataFrame(rows)


#: Degree-days of the demonstration: a normal of 2 500 DJU (base 18 °C) × the heating-need index
#: :data:`CLIMATE` of each year, so that correcting the demonstration consumption recovers its trend.
DJU_NORMAL = 2500
WEATHER_ASSUMPTIONS = [
    "Valeurs de démonstration : vraisemblables mais fictives, jamais des observations.",
    "Degrés-jours = 2 500 (normale de démonstration, base 18 °C) × l'indice de besoin de chauffage du générateur "
    "(années douces 2014, 2020, 2022 et 2023, année froide 2013, d'après le classement national des hivers).",
    "Parts thermosensibles = celles du générateur de démonstration : 75 % des combustibles du résidentiel, 55 % de "
    "ceux du tertiaire, 0 % de l'électricité. Remplacez-les par les parts « partr » de l'Agence ORE ou d'une étude "
    "(docs/correction_climatique.md).",
]


#: Years of the demonstration degree-days: those that no real file gives (issue 26), which the generator no longer
#: imitates otherwise. From 2016 the daily temperatures of the region (ODRÉ) give them; 2012–2014 are estimated from
#: the SDES national index (INDRIG); 2015 is not, its January index being unreadable in the public copy (« 01.janv »,
#: a number a spreadsheet turned into a date: 1.1 or 1.01).
DJU_YEARS = [2015]
DJU_ASSUMPTIONS = WEATHER_ASSUMPTIONS + [
    "Année 2015 seulement : à partir de 2016, les degrés-jours réels de la région (températures quotidiennes ODRÉ, "
    "base 17 °C) les remplacent, et de 2012 à 2014 l'indice national de rigueur du SDES (INDRIG). En 2015, "
    "l'indice national de janvier est illisible dans la copie publique du fichier du SDES (« 01.janv », un nombre "
    "changé en date par un tableur) : l'année garde cet indice de démonstration. Seul l'indice de l'année "
    "(DJU ÷ 2 500) sert, porté à la normale des degrés-jours réels : une normale base 18 °C n'est jamais "
    "rapprochée de valeurs base 17 °C.",
]


def degree_days() -> pd.DataFrame:
    return pd.DataFrame({"station": "Station de démonstration (fictive)", "annee": DJU_YEARS,
                         "dju": [round(DJU_NORMAL * CLIMATE[y]) for y in DJU_YEARS], "base": 18,
                         "source": "démonstration pma-eval (fictif)"})


def thermosensitive_shares(inventaire: pd.DataFrame, ore: pd.DataFrame) -> pd.DataFrame:
    """The shares the generator applied (:data:`HEATING`), for every fuel the demonstration gives those sectors."""
    inv = inventaire[inventaire["secteur"].isin(list(HEATING)) & (inventaire["energie_ou_gaz"] != "GES")]
    pairs = set(zip(inv["secteur"], inv["energie_ou_gaz"])) | set(zip(ore["sector"], ore["carrier"]))
    rows = [{"secteur": sec, "energie": car, "part": HEATING[sec] if car != "electricite" else 0.0,
             "source": "démonstration pma-eval (parts du générateur, fictives)"}
            for sec, car in sorted(pairs) if sec in HEATING]
    return pd.DataFrame(rows)


#: Demonstration average prices [€/MWh, taxes included] by energy and sector, 2022 and 2023: plausible
#: orders of magnitude, not figures of the SDES Pégase base.
PRICES = {
    ("electricite", "residentiel"): (210, 250), ("electricite", "tertiaire"): (200, 220),
    ("electricite", "industrie_hors_energie"): (170, 160), ("electricite", "agriculture"): (200, 220),
    ("electricite", "transport_routier"): (210, 250),
    ("gaz", "residentiel"): (105, 120), ("gaz", "tertiaire"): (110, 100), ("gaz", "industrie_hors_energie"): (100, 75),
    ("gaz", "agriculture"): (105, 100),
    ("produits_petroliers", "tous"): (135, 125), ("produits_petroliers", "transport_routier"): (195, 185),
    ("bois_energie", "tous"): (65, 75), ("chaleur_reseau", "tous"): (90, 100),
}
PRICE_ASSUMPTIONS = [
    "Prix de démonstration : ordres de grandeur vraisemblables mais fictifs, non tirés de la base Pégase du SDES.",
    "Prix moyens toutes taxes comprises, en euros par MWh, pour 2022 et 2023 seulement : la facture n'est calculée "
    "que pour ces années.",
    "Remplacez ce fichier par les prix de la base Pégase du SDES ou de l'observatoire régional "
    "(docs/facture_energetique.md).",
]


def energy_prices() -> pd.DataFrame:
    return pd.DataFrame([{"energie": c, "secteur": s, "annee": y, "prix": p[i], "unite": "€/MWh",
                          "source": "démonstration pma-eval (fictif)"}
                         for (c, s), p in PRICES.items() for i, y in enumerate((2022, 2023))])


def heat_production(inventaire: pd.DataFrame, ore_epci: pd.DataFrame, epci_of: pd.Series,
                    population: pd.DataFrame, settings: dict | None = None) -> pd.DataFrame:
    """Demonstration rows of the renewable heat and gas production template, by EPCI and year
    (see :data:`HEAT_ASSUMPTIONS`; ``settings``: the declaration's ``chaufferies_bois`` and
    ``chaleur_recuperation_inconnue``)."""
    settings = settings or {}
    wood_boilers = {str(k): tuple(v) for k, v in (settings.get("chaufferies_bois") or {}).items()}
    no_recovered = {str(e) for e in settings.get("chaleur_recuperation_inconnue") or ()}
    inv = inventaire[inventaire["energie_ou_gaz"] == "bois_energie"].assign(epci=lambda d: d["territoire"].map(epci_of))
    wood = inv.groupby(["epci", "annee", inv["secteur"].eq("residentiel")])["valeur"].sum()
    elec = (ore_epci[(ore_epci["carrier"] == "electricite") & ore_epci["sector"].isin(list(HEATING))]
            .groupby(["code", "year"])["value"].sum())
    pop = population.groupby(epci_of).sum()
    rows = []
    for epci in sorted(epci_of.unique()):
        for y in YEARS:
            values = {"bois_domestique": wood.get((epci, y, True)),
                      "pompes_a_chaleur": elec.get((epci, y), float("nan")) * PAC_SHARE[y],
                      "solaire_thermique": pop.loc[epci, y] * SOLAR_THERMAL_PER_HAB}
            # explicit zeros: the demonstration says there is none (a source not entered is unknown)
            if epci not in no_recovered:
                values["chaleur_recuperation"] = 0.0
            start, mwh = wood_boilers.get(epci, (None, 0.0))
            values["chaufferies_bois"] = mwh if start is not None and y >= start else 0.0
            values["geothermie_profonde"] = 0.0
            values["methanisation_chaleur"] = 0.0
            # no biomethane: the real register gives the sites, and no injected energy is invented
            rows += [{"territoire": epci, "annee": y, "filiere": k, "valeur": round(float(v), 1), "unite": "MWh",
                      "source": "démonstration pma-eval (fictif)"} for k, v in values.items() if v is not None and v == v]
    return pd.DataFrame(rows)


def _population_by_year(pop: pd.DataFrame) -> pd.DataFrame:
    wide = pop.pivot(index="code_insee", columns="millesime", values="population_municipale").astype(float)
    wide = wide.reindex(columns=YEARS).interpolate(axis=1, limit_area="inside").ffill(axis=1).bfill(axis=1)
    return wide


def _residential_mix(rng: np.random.Generator, pop2016: pd.Series) -> pd.DataFrame:
    urban = (pop2016 > 10000).astype(float)
    oil = np.clip(rng.normal(0.16 - 0.08 * urban, 0.03), 0.03, 0.3)
    wood = np.clip(rng.normal(0.13 - 0.06 * urban, 0.03), 0.03, 0.25)
    gas = 1.0 - oil - wood
    return pd.DataFrame({"gaz": gas, "produits_petroliers": oil, "bois_energie": wood}, index=pop2016.index)


@dataclass
class Inputs:
    """What the generator needs of one territory (:func:`inputs_of`)."""

    #: ``code_insee, nom, epci_siren, epci_sigle, epci_nom, code_departement, code_region``.
    communes: pd.DataFrame
    #: Legal populations (:func:`pma_eval.sources.read_population`).
    population: pd.DataFrame
    #: The 2016 anchor (:func:`pma_eval.sources.read_igt_citepa`) of the communes an observed inventory covers.
    igt: pd.DataFrame
    #: Enedis residential electricity by EPCI (2023), to calibrate on, or None.
    enedis: pd.DataFrame | None = None
    #: The declaration's ``demonstration:`` settings.
    settings: dict = field(default_factory=dict)
    #: Where the anchor comes from, for the caveats (« l'IGT 2016 », « l'IGT 2016 de la région »).
    anchor: str = "l'IGT 2016"
    #: Communes anchored on national ratios (outside every observed inventory shipped).
    national: list[str] = field(default_factory=list)
    #: (code, name) of each région and département met.
    regions: dict = field(default_factory=dict)
    departements: dict = field(default_factory=dict)


def _codes_of_table(path: Path) -> pd.DataFrame:
    """``code_insee`` with ``code_departement`` (and ``code_region`` when the table has it), as text."""
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    cols = [c for c in ("code_insee", "code_departement", "code_region") if c in t.columns]
    return t[cols]


def inputs_of(paths, decl=None) -> Inputs:
    """The :class:`Inputs` of a declared territory (default: the territory in use of ``paths``): its tables, the
    settings of its declaration, its anchor (the declaration's ``igt:`` file, else the rows of its communes in the
    region's observed inventory, else :data:`NATIONAL_RATIOS_2016`)."""
    from . import declaration
    from .build.discover import discover, scope_of

    decl = decl or declaration.load(paths)
    settings = dict(decl.demonstration)
    tables = {role: p for role, (p, _) in decl.tables.items()}
    communes = read_communes(tables["communes"])
    extra = _codes_of_table(tables["communes"])
    communes = communes.merge(extra, on="code_insee", how="left")
    region = decl.regions[0][0] if decl.regions else ""
    if "code_region" not in communes:
        communes["code_region"] = region
    population = read_population(tables["population"])
    anchor = "l'IGT 2016"
    if settings.get("igt"):
        igt = read_igt_citepa(paths.root / settings["igt"], year=ANCHOR_YEAR)
    else:
        anchor = "l'IGT 2016 de la région"
        codes = set(communes["code_insee"])
        region_files = [f for f in discover(paths.raw, paths.root, scope_of(paths))
                        if f.meta["format"] == "igt_citepa_region" and int((f.meta.get("options") or {}).get("year", 0))
                        == ANCHOR_YEAR]
        parts = [read_igt_citepa(f.path, year=ANCHOR_YEAR, display=f.display) for f in region_files]
        igt = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["code_insee", "year", "sector", "value"])
        igt = igt.loc[igt["code_insee"].isin(codes)]
    enedis = (read_enedis_residential_epci(paths.root / settings["enedis_residentiel_epci"])
              if settings.get("enedis_residentiel_epci") else None)
    national = sorted(set(communes["code_insee"]) - set(igt["code_insee"]))
    return Inputs(communes, population, igt, enedis, settings, anchor, national,
                  dict(decl.regions), {d: declaration.DEPARTEMENTS.get(d, d) for d in communes["code_departement"]})


def _pole_inputs(raw_dir: str | Path) -> Inputs:
    """The inputs of the default territory from a ``data/raw`` folder (its project root is two levels up)."""
    from .config import DEFAULT_TERRITORY, get_paths

    from .config import PACKAGE_DIR
    from .declaration import in_use, load_file

    raw = Path(raw_dir).resolve()
    paths = get_paths(raw.parents[1], DEFAULT_TERRITORY)
    decl = in_use(paths)
    if decl is None:  # a copy of data/raw without declarations: this checkout's default one, over that copy
        decl = load_file(PACKAGE_DIR.parent / paths.declaration.relative_to(paths.root), paths)
    return inputs_of(paths, decl)


def generate(raw_dir: str | Path | None = None, seed: int = SEED, inputs: Inputs | None = None
             ) -> dict[str, pd.DataFrame]:
    """Compute the demonstration tables (no writing), for ``inputs`` (default: the default territory of the
    project whose ``data/raw`` is ``raw_dir``).

    Keys: ``ore`` and ``ore_epci`` (tidy: ``code, name, year, carrier, sector, value`` [MWh],
    ``pdl``, ``secret``), ``inventaire`` (template rows) and ``odre`` (registry rows, published
    field names and units).
    """
    inputs = inputs or _pole_inputs(raw_dir)
    rng = np.random.default_rng(seed)
    communes = inputs.communes
    pop = _population_by_year(inputs.population)
    igt = inputs.igt
    igt_w = igt.pivot(index="code_insee", columns="sector", values="value")
    codes = list(communes["code_insee"])
    pop = pop.loc[codes]
    if inputs.national:  # communes outside every observed inventory: national ratios per inhabitant
        ratios = pd.DataFrame({k: pop.loc[inputs.national, ANCHOR_YEAR] * v for k, v in NATIONAL_RATIOS_2016.items()})
        igt_w = pd.concat([igt_w, ratios]).sort_index()
    for sector in NATIONAL_RATIOS_2016:  # a sector no commune has in the inventory: none
        if sector not in igt_w.columns:
            igt_w[sector] = np.nan
    epci_of = communes.set_index("code_insee")["epci_siren"]

    # --- energy 2016 by commune, sector, carrier -------------------------------------------
    res_mix = _residential_mix(rng, pop[ANCHOR_YEAR])
    base = {}
    for sector, (share, mix) in SECTOR_MIX.items():
        emis = igt_w[sector] * share
        if sector == "residentiel":
            elec = pop[ANCHOR_YEAR] * 1.6  # MWh/inhabitant, rescaled on Enedis 2023 below
            ef = (res_mix * pd.Series({k: EF[k] for k in res_mix.columns})).sum(axis=1)
            fuels = ((emis - elec * EF["electricite"]).clip(lower=0) / ef)
            base[(sector, "electricite")] = elec
            for k in res_mix.columns:
                base[(sector, k)] = fuels * res_mix[k]
            continue
        ef_mix = sum(w * (EF["carburants"] if (sector == "transport_routier" and k == "produits_petroliers") else EF[k])
                     for k, w in mix.items())
        total = emis / ef_mix
        for k, w in mix.items():
            base[(sector, k)] = total * w

    # --- yearly indices -----------------------------------------------------------------------
    def index(sector: str, carrier: str, year: int) -> float:
        f = (1 + TRENDS[(sector, carrier)]) ** (year - ANCHOR_YEAR)
        if carrier != "electricite" and sector in HEATING:
            h = HEATING[sector]
            f *= (1 - h) + h * CLIMATE[year] / CLIMATE[ANCHOR_YEAR]
        f *= SHOCKS.get((year, sector), 1.0)
        if carrier == "gaz":
            f *= GAS_SOBRIETY.get(year, 1.0)
        return f

    rows = []
    for (sector, carrier), v2016 in base.items():
        noise = np.exp(rng.normal(0, 0.03, size=(len(codes), len(YEARS))))
        noise[:, YEARS.index(ANCHOR_YEAR)] = 1.0
        for j, year in enumerate(YEARS):
            val = v2016.to_numpy() * index(sector, carrier, year) * noise[:, j]
            rows.append(pd.DataFrame({"code_insee": codes, "year": year, "sector": sector, "carrier": carrier,
                                      "value": val}))
    energy = pd.concat(rows, ignore_index=True)
    # Residential electricity: exact Enedis 2023 total per EPCI, where the declaration gives the file.
    mask = (energy["sector"] == "residentiel") & (energy["carrier"] == "electricite")
    energy["epci"] = energy["code_insee"].map(epci_of)
    if inputs.enedis is not None:
        e23 = inputs.enedis.set_index("epci_siren")["value"]
        tot23 = energy[mask & (energy["year"] == 2023)].groupby("epci")["value"].sum()
        energy.loc[mask, "value"] *= energy.loc[mask, "epci"].map(e23 / tot23)

    # --- emissions: IGT 2016 × model index ------------------------------------------------------
    ef_series = energy.assign(co2=lambda d: d["value"] * d.apply(
        lambda r: EF["carburants"] if (r["sector"] == "transport_routier" and r["carrier"] == "produits_petroliers")
        else EF[r["carrier"]], axis=1))
    energy_emis = ef_series.groupby(["code_insee", "sector", "year"])["co2"].sum().unstack("year")
    emis_rows = []
    for sector in igt_w.columns:
        anchor = igt_w[sector]
        share = SECTOR_MIX.get(sector, (0.0, None))[0]
        for j, year in enumerate(YEARS):
            nonenergy = (1 + OTHER_TRENDS[sector]) ** (year - ANCHOR_YEAR)
            if share > 0:
                e = energy_emis.xs(sector, level="sector")
                ratio = (e[year] / e[ANCHOR_YEAR]).reindex(anchor.index).fillna(1.0)
                idx = share * ratio + (1 - share) * nonenergy
            else:
                idx = pd.Series(nonenergy, index=anchor.index)
            noise = 1.0 if year == ANCHOR_YEAR else np.exp(rng.normal(0, 0.01, size=len(anchor)))
            emis_rows.append(pd.DataFrame({"code_insee": anchor.index, "year": year, "sector": sector,
                                           "value": anchor.to_numpy() * idx.to_numpy() * noise}))
    emissions = pd.concat(emis_rows, ignore_index=True).dropna(subset=["value"])

    # --- ORE (electricity and gas, sectors R/T/I/A) ---------------------------------------------
    ore = energy[energy["carrier"].isin(["electricite", "gaz"]) & energy["sector"].isin(ORE_SECTORS)].copy()
    pop_long = pop.stack().rename("pop").reset_index().rename(columns={"level_1": "year", "millesime": "year"})
    ore = ore.merge(pop_long, on=["code_insee", "year"], how="left")
    per = {"residentiel": 2.2, "tertiaire": 25.0, "industrie_hors_energie": 400.0, "agriculture": 300.0}
    ore["pdl"] = np.maximum(1, np.round(ore["pop"] / ore["sector"].map(per)
                                        * np.where(ore["carrier"] == "gaz", 0.6, 1.0))).astype(int)
    ore["secret"] = ore["sector"].isin(["industrie_hors_energie", "agriculture"]) & (ore["pdl"] < 10)
    names = communes.set_index("code_insee")["nom"]
    ore_c = ore.assign(code=ore["code_insee"], name=ore["code_insee"].map(names))[ORE_COLUMNS]
    ore_c = ore_c.sort_values(["year", "code", "carrier", "sector"]).reset_index(drop=True)

    # EPCI file, as Agence ORE publishes it: no secrecy at that size.
    ore["epci"] = ore["code_insee"].map(epci_of)
    ore_e = ore.groupby(["epci", "year", "carrier", "sector"], as_index=False).agg(value=("value", "sum"),
                                                                                  pdl=("pdl", "sum"))
    epci_names = communes.drop_duplicates("epci_siren").set_index("epci_siren")["epci_nom"]
    ore_e = ore_e.assign(code=ore_e["epci"], name=ore_e["epci"].map(epci_names), secret=False)[ORE_COLUMNS]
    ore_e = ore_e.sort_values(["year", "code", "carrier", "sector"]).reset_index(drop=True)

    # --- inventory template: other carriers, and emissions ------------------------------------
    # Communes whose anchor is empty in the IGT (e.g. Béthune road transport) get no series.
    energy = energy.dropna(subset=["value"])
    others = energy[~(energy["carrier"].isin(["electricite", "gaz"]) & energy["sector"].isin(ORE_SECTORS))]
    inv_energy = pd.DataFrame({"territoire": others["code_insee"], "annee": others["year"], "secteur": others["sector"],
                               "energie_ou_gaz": others["carrier"], "valeur": others["value"].round(3),
                               "unite": "MWh", "source": "démonstration pma-eval (fictif)"})
    inv_emis = emissions[~emissions["sector"].isin(["co2_biomasse_hors_total", "transport_international"])]
    inv_ges = pd.DataFrame({"territoire": inv_emis["code_insee"], "annee": inv_emis["year"], "secteur": inv_emis["sector"],
                            "energie_ou_gaz": "GES", "valeur": inv_emis["value"].round(3), "unite": "tCO2e",
                            "source": "démonstration pma-eval (fictif, calé sur l'IGT 2016)"})
    inventaire = (pd.concat([inv_energy, inv_ges], ignore_index=True)
                  .sort_values(["annee", "territoire", "energie_ou_gaz", "secteur"]).reset_index(drop=True))

    # --- ODRÉ registry snapshots ------------------------------------------------------------------
    odre = _registry(rng, communes, pop, inputs.settings)
    return {"ore": ore_c, "ore_epci": ore_e, "inventaire": inventaire, "odre": odre}


def ore_places(inputs: Inputs) -> dict[str, tuple[str, str, str, str]]:
    """Commune or EPCI code → (département code, name, region code, name), as ORE writes them (an EPCI: the
    département of most of its communes)."""
    c = inputs.communes
    out = {}
    for code, dep, reg in zip(c["code_insee"], c["code_departement"], c["code_region"]):
        out[code] = (dep, inputs.departements.get(dep, dep), reg, inputs.regions.get(reg, reg))
    for epci, g in c.groupby("epci_siren"):
        dep = g["code_departement"].value_counts().sort_index().idxmax()
        reg = g.loc[g["code_departement"] == dep, "code_region"].iloc[0]
        out[epci] = (dep, inputs.departements.get(dep, dep), reg, inputs.regions.get(reg, reg))
    return out


def ore_wide(df: pd.DataFrame, level: str, places: dict | None = None) -> pd.DataFrame:
    """Tidy ORE rows in the published 2011–2021 wide layout (one row per operator × year × energy).

    Secret cells are written as ORE writes them: ``consoX = 0``, ``pdlX = 0`` and the secrecy
    count 1. Sectors without consumption (``na``) are 0. ``places``: :func:`ore_places`.
    """
    places = places or {}
    rows = []
    for (code, name, year, carrier), g in df.groupby(["code", "name", "year", "carrier"], sort=True):
        row = {"operateur": "GRDF" if carrier == "gaz" else "Enedis", "annee": year,
               "filiere": "Gaz" if carrier == "gaz" else "Electricité"}
        by = g.set_index("sector")
        for suffix, secret_name, sector in WIDE_BLOCKS:
            if sector in by.index:
                r = by.loc[sector]
                secret = bool(r["secret"])
                row.update({f"conso{suffix}": 0.0 if secret else round(float(r["value"]), 3),
                            f"pdl{suffix}": 0 if secret else int(r["pdl"]),
                            f"nombre_mailles_secretisees_{secret_name}": int(secret),
                            f"indqual{suffix}": 0.98})
            else:
                row.update({f"conso{suffix}": 0.0, f"pdl{suffix}": 0, f"nombre_mailles_secretisees_{secret_name}": 0,
                            f"indqual{suffix}": 0.0})
            if suffix == "r":
                row.update({"thermor": "", "partr": ""})
        geo = {"libelle_commune": "", "code_commune": "", "libelle_epci": "", "code_epci": ""}
        geo.update({"libelle_commune": name, "code_commune": code} if level == "commune"
                   else {"libelle_epci": name, "code_epci": code})
        row.update(geo)
        dep, dep_name, reg, reg_name = places.get(code, ("", "", "", ""))
        row.update({"libelle_departement": dep_name, "code_departement": dep,
                    "libelle_region": reg_name, "code_region": reg,
                    "id_filiere": 200 if carrier == "gaz" else 100})
        row["consototale"] = round(sum(row[f"conso{s}"] for s, _, _ in WIDE_BLOCKS), 3)
        rows.append(row)
    out = pd.DataFrame(rows)
    if level != "commune":
        out = out.drop(columns=["libelle_commune", "code_commune"])
    return out


def ore_long(df: pd.DataFrame, level: str, places: dict | None = None) -> pd.DataFrame:
    """Tidy ORE rows in the published 2022+ long layout (one row per sector); secret cells empty."""
    places = places or {}
    secret = df["secret"].to_numpy()
    code_col, name_col = ("code_commune", "nom_commune") if level == "commune" else ("code_epci", "nom_epci")
    where = [places.get(c, ("", "", "", "")) for c in df["code"]]
    return pd.DataFrame({
        "annee": df["year"].to_numpy(), code_col: df["code"].to_numpy(), name_col: df["name"].to_numpy(),
        "code_departement": [w[0] for w in where], "nom_departement": [w[1] for w in where],
        "code_region": [w[2] for w in where], "nom_region": [w[3] for w in where],
        "operateur": np.where(df["carrier"] == "gaz", "GRDF", "Enedis"),
        "filiere": np.where(df["carrier"] == "gaz", "Gaz", "Electricité"),
        "code_categorie_consommation": np.where(df["sector"] == "residentiel", "RES", "PRO"),
        "code_grand_secteur": df["sector"].map(LONG_SECTORS).to_numpy(),
        "code_secteur_naf2": "",
        "nb_sites": np.where(secret, "", df["pdl"].astype(int).astype(str)),
        "conso_totale_mwh": np.where(secret, "", df["value"].round(3).astype(str)),
        "conso_moyenne_mwh": np.where(secret, "", (df["value"] / df["pdl"]).round(3).astype(str)),
    })


#: Plants of the demonstration register for 150 communes (the number scales with the territory's communes).
PLANTS_PER_150 = {"toitures": 15, "eolien": 6, "sol": 3, "biogaz": 2}


def _count(kind: str, n_communes: int, candidates: int) -> int:
    return int(min(candidates, max(1, round(PLANTS_PER_150[kind] * n_communes / 150))))


def _registry(rng: np.random.Generator, communes: pd.DataFrame, pop: pd.DataFrame, settings: dict | None = None
              ) -> pd.DataFrame:
    """ODRÉ register snapshots: rooftop PV under 36 kW in every commune, larger rooftops, wind farms in rural
    communes (of the EPCIs ``settings["eolien_epci"]``, default all), ground PV and biogas units."""
    settings = settings or {}
    codes = communes["code_insee"].to_numpy()
    epci = communes.set_index("code_insee")["epci_siren"]
    geo = communes.set_index("code_insee")[["code_departement", "code_region"]]
    n = len(codes)
    factor = np.exp(rng.normal(0, 0.4, size=len(codes)))
    plants = []
    big_pv_communes = rng.choice(codes, size=_count("toitures", n, n), replace=False)
    for i, c in enumerate(big_pv_communes):
        plants.append((c, "Solaire", "Photovoltaïque", float(rng.uniform(100, 500)), int(rng.integers(2013, 2024)),
                       0.95 * 8760 / 8760, f"Toiture photovoltaïque {i + 1:02d}"))
    wind_epcis = {str(e) for e in settings.get("eolien_epci") or set(epci)}
    rural = [c for c in codes if epci[c] in wind_epcis and pop.loc[c, 2016] < 2500]
    for i, c in enumerate(rng.choice(rural, size=_count("eolien", n, len(rural)), replace=False) if rural else ()):
        plants.append((c, "Eolien", "Eolien terrestre", float(rng.uniform(8000, 20000)), int(rng.integers(2012, 2023)),
                       0.23 * 8.76, f"Parc éolien {i + 1:02d}"))
    k = _count("sol", n, n)
    for i, (c, year) in enumerate(zip(rng.choice(codes, size=k, replace=False), [(2019, 2021, 2023)[j % 3] for j in range(k)])):
        plants.append((c, "Solaire", "Photovoltaïque", float(rng.uniform(5000, 12000)), year,
                       0.95, f"Centrale solaire au sol sur friche minière {i + 1:02d}"))
    k = _count("biogaz", n, n)
    for i, (c, year) in enumerate(zip(rng.choice(codes, size=k, replace=False), [(2014, 2020)[j % 2] for j in range(k)])):
        plants.append((c, "Bioénergies", "Biogaz", float(rng.uniform(1000, 2000)), year,
                       0.70 * 8.76, f"Unité de méthanisation {i + 1:02d}"))
    rows = []
    for year in YEARS:
        avg_kw = 3.0 + 3.0 * (year - 2012) / 11
        for j, c in enumerate(codes):
            cap = pop.loc[c, year] * PV_KW_PER_HAB[year] * factor[j]
            rows.append({"annee_snapshot": year, "nominstallation": "Agrégation des installations de moins de 36KW",
                         "codeinseecommune": c, "codeepci": epci[c], "codedepartement": geo.at[c, "code_departement"],
                         "coderegion": geo.at[c, "code_region"],
                         "filiere": "Solaire", "technologie": "Photovoltaïque", "puismaxinstallee": round(cap, 1),
                         "nbinstallations": max(1, int(round(cap / avg_kw))),
                         "energieannuelleglissanteinjectee": _kwh(cap * 0.95 * 0.92),
                         "datemiseenservice": "", "regime": "En service"})
        for c, filiere, tech, cap, start, mwh_per_kw, name in plants:
            if start > year:
                continue
            part = 0.5 if start == year else 1.0
            rows.append({"annee_snapshot": year, "nominstallation": name, "codeinseecommune": c, "codeepci": epci[c],
                         "codedepartement": geo.at[c, "code_departement"], "coderegion": geo.at[c, "code_region"],
                         "filiere": filiere, "technologie": tech, "puismaxinstallee": round(cap, 1),
                         "nbinstallations": 1, "energieannuelleglissanteinjectee": _kwh(cap * mwh_per_kw * part),
                         "datemiseenservice": f"30/06/{start}", "regime": "En service"})
    return pd.DataFrame(rows)


def _kwh(mwh: float) -> int:
    """Rolling-year energy as ODRÉ publishes it: whole kWh (the demonstration model works in MWh,
    rounded to 0.1 MWh as before, so the series read back are unchanged)."""
    return int(round(round(mwh, 1) * 1000))


def assumptions(inputs: Inputs) -> list[str]:
    """The caveats of the energy and emission files of ``inputs`` (:data:`ASSUMPTIONS`, adapted to its anchor)."""
    out = list(ASSUMPTIONS)
    if inputs.anchor != "l'IGT 2016":
        out[1] = out[1].replace("IGT du CITEPA (réel)", "IGT du CITEPA (réel : lignes de ses communes dans "
                                "l'inventaire de la région)")
    if inputs.enedis is None:
        out[3] = NO_ENEDIS
    if inputs.national:
        out.insert(2, NATIONAL_RATIOS_NOTE + f" Communes concernées : {', '.join(inputs.national)}.")
    return out


def origin_of(inputs: Inputs) -> str:
    return (f"pma_eval/demonstration.py, calé sur {inputs.anchor} (CITEPA)"
            + (", Enedis 2023" if inputs.enedis is not None else "") + " et les populations INSEE")


def _meta(path: Path, title: str, fmt: str, years: str, options: dict | None = None,
          caveats: list[str] | None = None, origin: str | None = None) -> None:
    meta = {
        "title": title, "producer": "pma-eval (générateur de démonstration)",
        "origin": origin,
        "licence": "Licence Ouverte (données fictives)", "years": years, "nature": "demonstration", "format": fmt,
    }
    if options:
        meta["options"] = options
    meta["sha256"] = sha256(path)
    meta["caveats"] = caveats or ASSUMPTIONS
    meta["seed"] = SEED
    path.with_name(path.name + ".meta.yml").write_text(
        yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")


def write(raw_dir: str | Path | None, out_dir: str | Path, seed: int = SEED, inputs: Inputs | None = None
          ) -> list[Path]:
    """Generate and write the demonstration files (with their ``.meta.yml``) into ``out_dir``,
    each in the layout its producer publishes (ORE wide until 2021 and long after, ODRÉ in
    lower case with energy in kWh), for ``inputs`` (default: the default territory of ``raw_dir``'s project)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    inputs = inputs or _pole_inputs(raw_dir)
    tables = generate(seed=seed, inputs=inputs)
    written = []
    places = ore_places(inputs)
    caveats_default, origin_default = assumptions(inputs), origin_of(inputs)

    def csv(df: pd.DataFrame, name: str, title: str, fmt: str, years: str, options: dict | None = None,
            caveats: list[str] | None = None, origin: str | None = None) -> None:
        p = out / name
        df.to_csv(p, sep=";", index=False, encoding="utf-8", lineterminator="\n")
        _meta(p, title, fmt, years, options, caveats or caveats_default, origin or origin_default)
        written.append(p)

    for key, level, label in (("ore", "commune", "communes"), ("ore_epci", "epci", "epci")):
        df = tables[key]
        wide, long = df[df["year"] <= LAST_WIDE_YEAR], df[df["year"] > LAST_WIDE_YEAR]
        what = "commune" if level == "commune" else "EPCI"
        y0, y1 = int(df["year"].min()), int(df["year"].max())
        csv(ore_wide(wide, level, places), f"ore_conso_elec_gaz_{label}_{y0}_{LAST_WIDE_YEAR}_demo.csv",
            f"DÉMONSTRATION — consommations d'électricité et de gaz par {what} et secteur "
            f"(format Agence ORE 2011–2021)", "ore_conso", f"{y0}-{LAST_WIDE_YEAR}")
        csv(ore_long(long, level, places), f"ore_conso_elec_gaz_{label}_{LAST_WIDE_YEAR + 1}_{y1}_demo.csv",
            f"DÉMONSTRATION — consommations d'électricité et de gaz par {what} et secteur "
            f"(format Agence ORE 2022 et après)", "ore_conso", f"{LAST_WIDE_YEAR + 1}-{y1}")
    csv(tables["inventaire"], "inventaire_energie_ges_communes_2012_2023_demo.csv",
        "DÉMONSTRATION — autres énergies et émissions de GES par commune et secteur (modèle d'inventaire)",
        "inventaire", "2012-2023")
    communes = inputs.communes
    epci_of = communes.set_index("code_insee")["epci_siren"]
    population = _population_by_year(inputs.population).loc[list(communes["code_insee"])]
    csv(air_inventory(tables["inventaire"], epci_of),
        f"inventaire_polluants_air_epci_{AIR_FIRST_YEAR}_2023_demo.csv",
        "DÉMONSTRATION — émissions des six polluants de l'air par EPCI et secteur (modèle d'inventaire)",
        "inventaire", f"{AIR_FIRST_YEAR}-2023", caveats=AIR_ASSUMPTIONS)
    settings = inputs.settings
    heat_caveats = (list(settings["hypotheses_chaleur"]) + HEAT_ASSUMPTIONS[len(settings["hypotheses_chaleur"]):]
                    if settings.get("hypotheses_chaleur") else HEAT_ASSUMPTIONS)
    csv(heat_production(tables["inventaire"], tables["ore_epci"], epci_of, population, settings),
        "production_enr_chaleur_gaz_epci_2012_2023_demo.csv",
        "DÉMONSTRATION — production de chaleur et de gaz renouvelables par EPCI et filière (modèle de production)",
        "production_enr_chaleur_gaz", "2012-2023", caveats=heat_caveats)
    csv(energy_prices(), "prix_energie_2022_2023_demo.csv",
        "DÉMONSTRATION — prix moyens de l'énergie par énergie et secteur", "prix_energie",
        "2022-2023", caveats=PRICE_ASSUMPTIONS, origin="pma_eval/demonstration.py (PRICES) : ordres de grandeur écrits à la main")
    epci_population = population[ANCHOR_YEAR].groupby(epci_of).sum()
    csv(aldo_outputs(aldo_values(settings, epci_population)), "aldo_sequestration_epci_2018_demo.csv",
        "DÉMONSTRATION — stocks et flux de carbone des sols, forêts et produits bois par EPCI (modèle ALDO)",
        "sequestration_aldo", "2018",
        caveats=ALDO_ASSUMPTIONS if settings.get("aldo") else [ALDO_ASSUMPTIONS[0], ALDO_GENERIC_NOTE, *ALDO_ASSUMPTIONS[1:]],
        origin=settings.get("origine_aldo") or "pma_eval/demonstration.py (ALDO_PER_HAB) : ratios par habitant de "
                                               "démonstration ; aucune sortie ALDO n'est livrée")
    dju_years = str(DJU_YEARS[0]) if len(DJU_YEARS) == 1 else f"{DJU_YEARS[0]}-{DJU_YEARS[-1]}"
    csv(degree_days(), f"dju_station_demo_{dju_years.replace('-', '_')}_demo.csv",
        "DÉMONSTRATION — degrés-jours unifiés de chauffage annuels (base 18 °C)", "dju_annuels", dju_years, {"reference_dju": DJU_NORMAL}, caveats=DJU_ASSUMPTIONS,
        origin="pma_eval/demonstration.py : normale de démonstration × indice de besoin de chauffage du générateur")
    csv(thermosensitive_shares(tables["inventaire"], tables["ore"]), "parts_thermosensibles_demo.csv",
        "DÉMONSTRATION — parts thermosensibles de la consommation par secteur et énergie", "parts_thermosensibles",
        f"{YEARS[0]}-{YEARS[-1]}", caveats=WEATHER_ASSUMPTIONS)
    for year, snap in tables["odre"].groupby("annee_snapshot"):
        csv(snap.drop(columns="annee_snapshot"), f"odre_registre_au_3112{year}_demo.csv",
            f"DÉMONSTRATION — registre des installations de production d'électricité au 31/12/{year} (format ODRÉ)",
            "odre_registre", str(year), {"snapshot_year": int(year)})
    return written

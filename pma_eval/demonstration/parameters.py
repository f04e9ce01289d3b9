"""The assumptions of the demonstration series, written down once: years, anchor, emission factors, carrier
mixes, trends, climate, shocks, and the caveats written into every file's metadata."""

from __future__ import annotations

SEED = 20240601
YEARS = list(range(2012, 2024))
ANCHOR_YEAR = 2016

# Every constant here shapes demonstration series only (fictional, labelled as such everywhere).
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

"""Air pollutants by EPCI and sector, derived from the demonstration greenhouse-gas series."""

from __future__ import annotations

import pandas as pd

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

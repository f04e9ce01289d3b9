"""Degree-days and thermosensitive shares of the demonstration."""

from __future__ import annotations

import pandas as pd

from .parameters import CLIMATE, HEATING, YEARS

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

"""Average energy prices of the demonstration (2022 and 2023)."""

from __future__ import annotations

import pandas as pd

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

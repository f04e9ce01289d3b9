"""Renewable heat and gas production by EPCI (the production template)."""

from __future__ import annotations

import pandas as pd

from .parameters import HEATING, YEARS

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

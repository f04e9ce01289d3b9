"""Carbon stocks and flows by EPCI in the layout of the ADEME ALDO tool."""

from __future__ import annotations

import pandas as pd

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

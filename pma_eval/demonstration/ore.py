"""Electricity and gas consumption in the layouts Agence ORE publishes (wide until 2021, long after)."""

from __future__ import annotations

import numpy as np
import pandas as pd

ORE_COLUMNS = ["code", "name", "year", "carrier", "sector", "value", "pdl", "secret"]
#: Blocks of the ORE wide layout: (column suffix, secrecy column suffix, sector of the generator).
WIDE_BLOCKS = (("a", "agriculture", "agriculture"), ("i", "industrie", "industrie_hors_energie"),
               ("t", "tertiaire", "tertiaire"), ("r", "residentiel", "residentiel"), ("na", "na", "non_affecte"))
LONG_SECTORS = {"residentiel": "RESIDENTIEL", "tertiaire": "TERTIAIRE", "industrie_hors_energie": "INDUSTRIE",
                "agriculture": "AGRICULTURE"}
#: Last year of the ORE wide layout; later years are published in the long layout.
LAST_WIDE_YEAR = 2021


def ore_places(inputs) -> dict[str, tuple[str, str, str, str]]:
    """Commune or EPCI code → (département code, name, region code, name), as ORE writes them (an EPCI: the
    département of most of its communes), for ``inputs`` (:class:`pma_eval.demonstration.model.Inputs`)."""
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
    # the sectors of each operator × year × energy, in plain dictionaries (a pandas selection a cell cost 2 s for
    # one agglomeration); the groups in the order of their keys, as a sorted group-by gives them
    groups: dict[tuple, dict[str, dict]] = {}
    for r in df[["code", "name", "year", "carrier", "sector", "value", "pdl", "secret"]].to_dict("records"):
        groups.setdefault((r["code"], r["name"], r["year"], r["carrier"]), {})[r["sector"]] = r
    for (code, name, year, carrier) in sorted(groups):
        row = {"operateur": "GRDF" if carrier == "gaz" else "Enedis", "annee": year,
               "filiere": "Gaz" if carrier == "gaz" else "Electricité"}
        by = groups[(code, name, year, carrier)]
        for suffix, secret_name, sector in WIDE_BLOCKS:
            if sector in by:
                r = by[sector]
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

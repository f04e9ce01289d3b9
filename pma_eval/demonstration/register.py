"""Renewable electricity installations in the layout of the ODRÉ register snapshots."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .parameters import PV_KW_PER_HAB, YEARS

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

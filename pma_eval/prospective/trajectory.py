"""Reference trajectory ("SNBC territorialisée") following ADEME's method (November 2024).

The method projects each sector of a territory from its 2015 inventory along the national
SNBC-2 (AMS scenario) pathway of that sector:

    E_T(s, t) = E_T(s, 2015) × I_N(s, t),    I_N(s, t) = E_N(s, t) / E_N(s, 2015)

ADEME applies this formula as such to transport, waste, the energy branch and industry; for
residential, tertiary and agriculture it adjusts the national pathway with territorial "pivot"
data (dwellings by heating type, tertiary jobs, farmland and livestock). Until the Pôle provides
those pivots, the same national index is used for every sector (the approximation the method
allows, documented in the report); :func:`reference_trajectory` accepts a pivot table that
multiplies the index by ``P_T(s, t) / P_N(s, t)`` (territorial over national pivot, both base
2015) for the sectors it covers.

The national sector indices shipped with the workbench are those of a real run of the ADEME tool
(the Territoires en Transitions test fixture, column ``indice_base_2015``), whose shape follows
the national pathway; the collectivity of that run is not the Pôle, so only the indices are used.

References
----------
ADEME (2024). *Méthodologie de l'outil « Trajectoire de référence » SNBC territorialisée*,
version de novembre 2024 (stored in Territoires en Transitions, ``apps/app/public``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..territory import worst_nature

#: Reference year and horizon of the method (TeT constants ANNEE_REFERENCE_SNBC_V2, ANNEE_JALON2).
BASE_YEAR = 2015
HORIZON = 2050

#: Workbench sector → Territoires en Transitions ids whose summed values give the sector's index.
EMISSION_INDEX_IDS = {
    "residentiel": ("cae_1.c",),
    "tertiaire": ("cae_1.d",),
    "transport_routier": ("cae_1.ea", "cae_1.eb"),
    "autres_transports": ("cae_1.f",),
    "agriculture": ("cae_1.g",),
    "dechets": ("cae_1.h",),
    "industrie_hors_energie": ("cae_1.i",),
    "branche_energie": ("cae_1.j",),
}
ENERGY_INDEX_IDS = {
    "residentiel": ("cae_2.e",),
    "tertiaire": ("cae_2.f",),
    "agriculture": ("cae_2.i",),
}
#: Sectors for which ADEME applies the national index directly (no territorial pivot).
RECALIBRATED_SECTORS = ("transport_routier", "autres_transports", "dechets", "industrie_hors_energie",
                        "branche_energie")

METHOD_LABELS = {
    "indice_national": "indice national du secteur (formule ADEME)",
    "indice_national_approx": "indice national du secteur, faute de données pivots (approximation admise par la méthode)",
    "pivot": "indice national corrigé par les données pivots du territoire",
    "indice_ensemble": "indice de l'ensemble des secteurs, faute d'indice national du secteur",
}


def national_index(fixture: pd.DataFrame, mapping: dict[str, tuple[str, ...]] = EMISSION_INDEX_IDS,
                   base_year: int = BASE_YEAR) -> pd.DataFrame:
    """National index (base ``base_year`` = 1) of each workbench sector.

    Parameters
    ----------
    fixture : DataFrame
        Columns ``identifiant_referentiel``, ``annee``, ``valeur_objectif`` (the TeT trajectory).
    mapping : dict
        Workbench sector → ids summed to form the sector.

    Returns
    -------
    DataFrame
        Columns ``sector``, ``year``, ``index``, ``index_source``. A sector whose ids sum to zero in
        the base year (no national value) takes the index of all mapped sectors together, with
        ``index_source = "indice_ensemble"``.
    """
    f = fixture.rename(columns={"identifiant_referentiel": "id", "annee": "year", "valeur_objectif": "v"})
    f = f[["id", "year", "v"]].astype({"year": int, "v": float})
    rows, all_ids = [], sorted({i for ids in mapping.values() for i in ids})
    pooled = f[f["id"].isin(all_ids)].groupby("year")["v"].sum()
    pooled = pooled / pooled.loc[base_year]
    for sector, ids in mapping.items():
        s = f[f["id"].isin(ids)].groupby("year")["v"].sum()
        if s.empty or base_year not in s.index or s.loc[base_year] == 0:
            idx, source = pooled, "indice_ensemble"
        else:
            idx, source = s / s.loc[base_year], "indice_national"
        rows.append(pd.DataFrame({"sector": sector, "year": idx.index.astype(int), "index": idx.to_numpy(),
                                  "index_source": source}))
    return pd.concat(rows, ignore_index=True)


def base_year_values(history: pd.DataFrame, base_year: int = BASE_YEAR) -> pd.DataFrame:
    """Value of each sector in ``base_year``, interpolated linearly when that year is missing.

    Parameters
    ----------
    history : DataFrame
        Columns ``sector``, ``year``, ``value`` and optionally ``nature``.

    Returns
    -------
    DataFrame
        Columns ``sector``, ``value``, ``nature``: the observed nature of that year when present,
        ``estimated`` when interpolated between the nearest years before and after.

    Raises
    ------
    ValueError
        When a sector has no year on both sides of ``base_year`` (no interpolation possible).
    """
    out = []
    for sector, g in history.dropna(subset=["value"]).groupby("sector", sort=True):
        g = g.sort_values("year")
        exact = g[g["year"] == base_year]
        if len(exact):
            nature = exact["nature"].iloc[0] if "nature" in g else "observed"
            out.append((sector, float(exact["value"].sum()), nature))
            continue
        before, after = g[g["year"] < base_year], g[g["year"] > base_year]
        if before.empty or after.empty:
            raise ValueError(f"secteur {sector} : pas d'année avant et après {base_year} pour interpoler "
                             f"(années disponibles : {', '.join(map(str, g['year'].tolist()))})")
        y0, v0 = before.iloc[-1][["year", "value"]]
        y1, v1 = after.iloc[0][["year", "value"]]
        out.append((sector, float(np.interp(base_year, [y0, y1], [v0, v1])), "estimated"))
    return pd.DataFrame(out, columns=["sector", "value", "nature"])


def reference_trajectory(history: pd.DataFrame, index: pd.DataFrame, pivots: pd.DataFrame | None = None,
                         base_year: int = BASE_YEAR, horizon: int = HORIZON) -> pd.DataFrame:
    """Reference trajectory of one territory, by sector and year.

    Parameters
    ----------
    history : DataFrame
        The territory's inventory: ``sector``, ``year``, ``value`` [t CO2e or MWh], ``nature``.
    index : DataFrame
        National index from :func:`national_index` (``sector``, ``year``, ``index``, ``index_source``).
    pivots : DataFrame, optional
        Columns ``sector``, ``year``, ``territorial``, ``national``: pivot quantities (e.g. dwellings
        heated by oil, tertiary jobs, farmland). Each is turned into an index base ``base_year`` and
        the sector's national index is multiplied by their ratio. Sectors absent from it use the
        national index alone.

    Returns
    -------
    DataFrame
        ``sector``, ``year``, ``value``, ``base_value``, ``index``, ``method``, ``nature`` — nature is
        ``estimated`` for every projected value (``demonstration`` when the base year is), and the
        base-year nature for the base year.
    """
    base = base_year_values(history[history["sector"].isin(index["sector"].unique())], base_year)
    idx = index[(index["year"] >= base_year) & (index["year"] <= horizon)].copy()
    idx["method"] = np.where(idx["index_source"] == "indice_ensemble", "indice_ensemble",
                             np.where(idx["sector"].isin(RECALIBRATED_SECTORS), "indice_national",
                                      "indice_national_approx"))
    if pivots is not None and len(pivots):
        p = pivots.copy()
        b = p[p["year"] == base_year][["sector", "territorial", "national"]]
        p = p.merge(b, on="sector", how="left", suffixes=("", "_base"))
        p["ratio"] = (p["territorial"] / p["territorial_base"]) / (p["national"] / p["national_base"])
        p["ratio"] = p["ratio"].replace([np.inf, -np.inf], np.nan)
        if p["ratio"].isna().any():
            bad = sorted(p.loc[p["ratio"].isna(), "sector"].unique())
            raise ValueError(f"données pivots sans valeur {base_year} (ou nulle) pour : {', '.join(bad)}")
        idx = idx.merge(p[["sector", "year", "ratio"]], on=["sector", "year"], how="left")
        has = idx["ratio"].notna()
        idx.loc[has, "index"] = idx.loc[has, "index"] * idx.loc[has, "ratio"]
        idx.loc[has, "method"] = "pivot"
        idx = idx.drop(columns="ratio")
    out = idx.merge(base.rename(columns={"value": "base_value", "nature": "base_nature"}), on="sector")
    out["value"] = out["base_value"] * out["index"]
    # a projection is estimated, and demonstration when it starts from demonstration values
    projected = out["base_nature"].map(lambda n: worst_nature(["estimated", n]))
    out["nature"] = np.where(out["year"] == base_year, out["base_nature"], projected)
    cols = ["sector", "year", "value", "base_value", "index", "method", "nature"]
    return out[cols].sort_values(["sector", "year"], ignore_index=True)


def sum_trajectories(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Trajectory of a group (the Pôle) as the sum of its members' trajectories (EPCIs)."""
    cat = pd.concat(parts, ignore_index=True)
    out = cat.groupby(["sector", "year"], as_index=False).agg(
        value=("value", "sum"), base_value=("base_value", "sum"), method=("method", "first"),
        nature=("nature", worst_nature))
    out["index"] = out["value"] / out["base_value"]
    return out[["sector", "year", "value", "base_value", "index", "method", "nature"]]

"""Precedence of real data over demonstration data, per geography, year and key."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..territory import Territory


def apply_precedence(df: pd.DataFrame, scope: list[str], territory: Territory | None = None,
                     detail: str | None = None, nature_col: str = "file_nature") -> tuple[pd.DataFrame, list[str]]:
    """Drop demonstration rows wherever a real file covers the same geography, year and key.

    Coverage is decided per value, not per source: a real file covering three communes replaces
    the demonstration values of those three communes only.

    Parameters
    ----------
    scope : list of str
        Columns that a real row covers exactly (``geo_level, geo_code, year`` and, for energy,
        ``carrier``).
    detail : str, optional
        A finer column (``sector``). A real row covers its own detail value, or all of them
        where its ``cover`` column is ``"*"``: an Agence ORE file gives the whole consumption of
        an energy in a commune, so no demonstration slice of another sector is added on top.
        A ``cover_geo`` column holding an EPCI SIREN covers every commune of that EPCI, ``"*"`` every
        commune of the territory, ``""`` only the row's own commune (a registry snapshot lists every
        installation of the area it was downloaded for: :func:`pma_eval.assemble.steps.register_extent`).
    territory : Territory, optional
        Real commune coverage also covers the EPCI and the Pôle that contain the commune: their
        demonstration values published at those levels are dropped, and those aggregates are
        recomputed from the communes (real where covered, demonstration elsewhere).
    nature_col : str
        Column holding the nature of the *file* each row comes from (a secret cell of a real
        file still proves that the real file covers that scope).

    Returns
    -------
    The filtered table and one French note per (level, year) where values were replaced.
    """
    col = nature_col if nature_col in df else "nature"
    demo = (df[col] == "demonstration").to_numpy()
    real = df.loc[~demo]
    if real.empty or demo.sum() == 0:
        return df, []
    cover = real[scope].astype({c: object for c in scope}).copy()
    if "cover_geo" in real:
        whole = real["cover_geo"].fillna("").ne("").to_numpy()
        cover.loc[whole, "geo_code"] = "epci:" + real.loc[whole, "cover_geo"].astype(str)
        every = (cover["geo_code"] == "epci:*").to_numpy()  # a file that covers whole départements
        if every.any() and territory is not None:
            cover = pd.concat([cover.loc[~every], *(cover.loc[every].assign(geo_code="epci:" + e)
                                                    for e in territory.epcis["epci_siren"])], ignore_index=True)
    if detail is not None:
        cover["_detail"] = real["cover"].where(real["cover"].eq("*"), real[detail]) if "cover" in real \
            else real[detail]
    cover = cover.drop_duplicates()
    if territory is not None and "geo_level" in scope:
        c2e = territory.commune_to_epci
        com = cover.loc[cover["geo_level"] == "commune"]
        epci = cover.loc[cover["geo_level"] == "epci"]
        def epci_of(code: str) -> str | None:
            return code[len("epci:"):] if code.startswith("epci:") else c2e.get(code)

        up = [com.assign(geo_level="epci", geo_code=com["geo_code"].map(epci_of)),
              com.assign(geo_level="pma", geo_code=territory.code),
              epci.assign(geo_level="pma", geo_code=territory.code)]
        cover = pd.concat([cover, *up], ignore_index=True).dropna(subset=["geo_code"]).drop_duplicates()
    d = df.loc[demo, scope].astype({c: object for c in scope})
    if detail is not None:
        d["_detail"] = df.loc[demo, detail].to_numpy()
    keys = list(d.columns)
    hit = np.zeros(len(d), dtype=bool)
    whole_epci = None
    if territory is not None and "geo_level" in scope:
        whole_epci = "epci:" + d["geo_code"].map(territory.commune_to_epci).fillna("").astype(str)
    for by_epci in ((False, True) if whole_epci is not None else (False,)):
        for any_detail in ((False, True) if detail is not None else (False,)):
            probe = d.copy()
            if by_epci:
                probe["geo_code"] = whole_epci.where(d["geo_level"] == "commune", "")
            if any_detail:
                probe["_detail"] = "*"
            m = probe.merge(cover.assign(_real=True), on=keys, how="left")["_real"]
            hit |= m.notna().to_numpy()
    drop = np.zeros(len(df), dtype=bool)
    drop[np.flatnonzero(demo)[hit]] = True
    replaced = df.loc[drop]
    by = [c for c in ("geo_level", "year") if c in scope]
    notes = [f"{lvl} {yr} : {len(g)} valeurs de démonstration remplacées par des données réelles"
             for (lvl, yr), g in replaced.groupby(by)] if by == ["geo_level", "year"] else \
            [f"{len(replaced)} valeurs de démonstration remplacées"] if len(replaced) else []
    return df.loc[~drop].reset_index(drop=True), notes


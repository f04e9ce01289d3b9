"""Agence ORE and SDES — annual electricity and gas consumption by sector, per commune or EPCI.

Three published layouts, recognised from their header (:data:`pma_eval.sources.layouts.LAYOUTS`; ``shared/FORMATS.md``):

``ore_large_2011_2021``
    Dataset ``conso-elec-gaz-annuelle-par-secteur-dactivite-agregee-commune`` (ORE methodology
    note v5.0). WIDE: one row per operator × year × energy, with for each sector X in ``a``
    (agriculture), ``i`` (industrie), ``t`` (tertiaire), ``r`` (résidentiel), ``na`` (secteur
    inconnu) the columns ``consoX`` [MWh], ``pdlX``, ``nombre_mailles_secretisees_<secteur>`` and
    ``indqualX``; then ``thermor, partr``, the geography, ``id_filiere`` and ``consototale``.
    **Secrecy**: ``consoX = 0``, ``pdlX = 0`` and the secrecy count = 1 — unknown, never zero.
``ore_long_2022``
    Dataset ``consommation-annuelle-d-electricite-et-gaz-par-commune``. LONG: one row per operator
    × year × energy × category × sector (spelled out: ``RESIDENTIEL``…) × NAF code, with
    ``nb_sites`` and ``conso_totale_mwh`` [MWh]. Secrecy: an empty ``conso_totale_mwh``, the text
    ``secret``, or a column whose name contains ``secret`` set to 1.
``sdes_local``
    SDES "données locales de l'énergie" (the files ORE's come from): ``CONSO`` and ``PDL`` are
    text columns that may hold the literal ``secret`` (or be empty); ``CODE_GRAND_SECTEUR`` is a
    letter A/I/T/R/X.

Several operators (distributors and transport operators) may serve one commune: their rows,
and the NAF and category rows of one sector, add up. A sector with one secret part is unknown.
Communes outside the territory are left out and counted (``attrs["outside"]``); sums for
département, region and France are kept for comparisons (``attrs["aggregates"]``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._table import LINE, Parser, lookup, normalise_name, read_any
from .layouts import detect, unknown_layout

#: ``filiere`` as written by ORE (``Electricité``/``Gaz``), its ``id_filiere`` (100/200) and SDES (E/G).
CARRIERS = {"electricite": "electricite", "electricity": "electricite", "elec": "electricite", "e": "electricite",
            "100": "electricite", "gaz": "gaz", "gaznaturel": "gaz", "gas": "gaz", "g": "gaz", "200": "gaz"}
SECTORS = {
    "r": "residentiel", "residentiel": "residentiel",
    "t": "tertiaire", "tertiaire": "tertiaire",
    "i": "industrie", "industrie": "industrie",
    "a": "agriculture", "agriculture": "agriculture",
    "x": "non_affecte", "na": "non_affecte", "inconnu": "non_affecte", "nonaffecte": "non_affecte",
    "secteurinconnu": "non_affecte", "autre": "non_affecte",
}
#: Sector suffixes of the wide 2011–2021 layout: (conso/pdl/indqual suffix, secrecy column suffix, sector).
WIDE_SECTORS = (("a", "agriculture", "agriculture"), ("i", "industrie", "industrie"),
                ("t", "tertiaire", "tertiaire"), ("r", "residentiel", "residentiel"), ("na", "na", "non_affecte"))
SECRET_WORDS = {"secret"}
#: Spellings of the commune code column across ORE, SDES and API exports.
COMMUNE_ALIASES = ("code_insee", "codeinseecommune", "code_commune_insee")


def read_ore_consumption(path: str | Path, display: str | None = None,
                         communes: set[str] | None = None) -> pd.DataFrame:
    """Read an Agence ORE or SDES consumption file, in any of its published layouts.

    Parameters
    ----------
    communes : set of str, optional
        INSEE codes to keep (the territory). Rows of other communes are left out and counted
        in ``attrs["outside"]``; ``None`` keeps every commune.

    Returns
    -------
    DataFrame
        ``geo_level`` (``commune`` or ``epci``), ``geo_code``, ``year``, ``carrier``
        (``electricite``/``gaz``), ``sector`` (``residentiel, tertiaire, industrie,
        agriculture, non_affecte``), ``value`` [MWh] (NaN when secret), ``delivery_points``,
        ``thermosensitive_share`` (``partr`` of the 2011–2021 layout, residential only, 0–1; NaN elsewhere),
        ``nature`` (``observed`` or ``secret``), ``line`` (first line of the group).
        ``attrs``: ``layout``, ``outside`` (``rows``, ``communes``) and ``aggregates``
        (département, region and France sums of the whole file, see :func:`_aggregates`).
    """
    name = display or str(path)
    raw = read_any(path, display, fast=True)
    found = detect(raw.columns, "ore_conso")
    if found is None:
        raise unknown_layout(name, raw.columns)
    layout = found.id
    p = Parser(raw, name)
    if layout == "ore_large_2011_2021":
        rows, aggregates, outside = _wide(p, communes)
    else:
        rows, aggregates, outside = _long(p, communes)
    keys = ["geo_level", "geo_code", "year", "carrier", "sector"]
    if "partr" not in rows:
        rows["partr"] = np.nan
    weight = rows["value"].where(rows["partr"].notna())
    rows = rows.assign(_pw=rows["partr"] * weight, _w=weight)
    g = rows.groupby(keys, sort=True)
    out = pd.DataFrame({
        "value": g["value"].sum(min_count=1),
        "delivery_points": g["delivery_points"].sum(min_count=1),
        "secret": g["secret"].any(),
        "line": g["line"].min(),
        # operators of one commune: their shares weighted by their consumption
        "thermosensitive_share": g["_pw"].sum(min_count=1) / g["_w"].sum(min_count=1),
    }).reset_index()
    out.loc[out["secret"], "value"] = np.nan
    out["nature"] = np.where(out["secret"], "secret", "observed")
    out = out.drop(columns="secret")
    out.attrs.update(layout=layout, outside=outside, aggregates=aggregates)
    return out


def _geography(p: Parser, communes: set[str] | None) -> tuple[str, str, dict]:
    """Geographic column of the file, and the rows outside the territory (dropped from ``p.df``)."""
    cols = p.columns({}, {"code_commune": COMMUNE_ALIASES,
                          "code_epci": ("codeepci",)})
    outside = {"rows": 0, "communes": 0}
    if "code_commune" in cols:
        col = cols["code_commune"]
        if communes is not None:
            codes = p.df[col].astype(str).str.strip().str.upper()
            keep = codes.isin(communes)
            outside = {"rows": int((~keep).sum()), "communes": int(codes[~keep].nunique())}
            p.df = p.df.loc[keep].copy()
        return "commune", col, outside
    if "code_epci" in cols:
        return "epci", cols["code_epci"], outside
    p.problem("colonne géographique absente (code_commune ou code_epci attendu)", column="code_commune")
    p.raise_if_any()
    raise AssertionError  # pragma: no cover


def _commune_level(p: Parser) -> bool:
    """A commune file (département, region and France sums are taken from commune files only)."""
    return bool(p.columns({}, {"code_commune": COMMUNE_ALIASES}))


def _aggregates(frame: pd.DataFrame, cols: dict[str, str]) -> pd.DataFrame:
    """Sums by département, region and France of a whole (possibly national) file.

    ``frame`` holds ``year, carrier, sector, value`` (NaN when secret), ``secret`` and the
    département/region codes. A secret cell cannot be added: the sum of the known cells is kept
    with the number of secret cells beside it (``secret_cells``), so that a reader knows the
    value is a lower bound.
    """
    parts = []
    for level, col in (("departement", "code_departement"), ("region", "code_region"), ("france", None)):
        if col is not None and col not in cols:
            continue
        code = frame[cols[col]].astype(str).str.strip() if col else pd.Series("FR", index=frame.index)
        g = frame.assign(geo_code=code).groupby(["geo_code", "year", "carrier", "sector"], sort=True)
        parts.append(pd.DataFrame({"value": g["value"].sum(min_count=1), "secret_cells": g["secret"].sum()})
                     .reset_index().assign(geo_level=level))
    if not parts:
        return pd.DataFrame(columns=["geo_level", "geo_code", "year", "carrier", "sector", "value", "secret_cells"])
    out = pd.concat(parts, ignore_index=True).astype({"year": int, "secret_cells": int})
    return out[["geo_level", "geo_code", "year", "carrier", "sector", "value", "secret_cells"]]


def _coarse_numbers(s: pd.Series) -> pd.Series:
    """Fast number parsing for comparison sums over a national file (empty or unparseable → NaN).

    Arrow's cast does the work in C; a column with text in it (``secret``…) takes pandas' slower
    coercing path.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pc.replace_substring(pc.replace_substring(pa.array(s.astype(str)), ",", "."), " ", "")
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    try:
        values = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = pd.to_numeric(pd.Series(arr.to_pylist()), errors="coerce").to_numpy()
    return pd.Series(values, index=s.index, dtype=float)


def _secret_text(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip().str.lower().isin(SECRET_WORDS)


def _wide(p: Parser, communes: set[str] | None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The 2011–2021 wide layout: one block of columns per sector."""
    geo_cols = p.columns({}, {"code_departement": (), "code_region": ()})
    req = {"annee": (), "filiere": ("id_filiere",)}
    opt = {}
    for suffix, secret_name, _ in WIDE_SECTORS:
        req[f"conso{suffix}"] = ()
        opt[f"pdl{suffix}"] = ()
        opt[f"secret{suffix}"] = (f"nombre_mailles_secretisees_{secret_name}",)
    req.pop("consona")  # an older extract may lack the "secteur inconnu" block
    opt["consona"] = ()
    opt["partr"] = ()  # thermosensitive share of the residential consumption (with thermor, kWh per degree-day)
    cols = p.columns(req, opt)
    full = p.df
    aggregates = None
    if ("code_departement" in geo_cols or "code_region" in geo_cols) and _commune_level(p):
        frames = []
        for suffix, _, sector in WIDE_SECTORS:
            if f"conso{suffix}" not in cols:
                continue
            flag = (_coarse_numbers(full[cols[f"secret{suffix}"]]).fillna(0) > 0) if f"secret{suffix}" in cols \
                else pd.Series(False, index=full.index)
            flag |= _secret_text(full[cols[f"conso{suffix}"]])
            value = _coarse_numbers(full[cols[f"conso{suffix}"]]).mask(flag)
            frames.append(pd.DataFrame({"year": _coarse_numbers(full[cols["annee"]]),
                                        "carrier": lookup(full[cols["filiere"]], CARRIERS),
                                        "sector": sector, "value": value, "secret": flag,
                                        **{geo_cols[c]: full[geo_cols[c]] for c in geo_cols}}))
        aggregates = _aggregates(pd.concat(frames, ignore_index=True).dropna(subset=["year", "carrier"]), geo_cols)
    level, geo_col, outside = _geography(p, communes)
    geo = p.code(geo_col, "insee" if level == "commune" else "siren")
    year = p.observed_year(cols["annee"])
    carrier = p.choice(cols["filiere"], CARRIERS, what="filière")
    parts = []
    for suffix, _, sector in WIDE_SECTORS:
        if f"conso{suffix}" not in cols:
            continue
        conso_col = cols[f"conso{suffix}"]
        text_secret = _secret_text(p.df[conso_col])
        masked = p.df[conso_col].where(~text_secret, "")
        p.df[conso_col] = masked
        conso = p.number(conso_col)
        pdl = p.number(cols[f"pdl{suffix}"]) if f"pdl{suffix}" in cols else pd.Series(np.nan, index=p.df.index)
        flag = text_secret.copy()
        if f"secret{suffix}" in cols:
            flag |= p.number(cols[f"secret{suffix}"]).fillna(0) > 0
        share = pd.Series(np.nan, index=p.df.index)
        if sector == "residentiel" and "partr" in cols:
            share = p.number(cols["partr"], minimum=0, maximum=100)
            share = share.where(share <= 1, share / 100)  # a percentage or a fraction
        parts.append(pd.DataFrame({"geo_level": level, "geo_code": geo, "year": year, "carrier": carrier,
                                   "sector": sector, "value": conso.mask(flag), "delivery_points": pdl,
                                   "secret": flag, "line": p.df[LINE], "partr": share}))
    p.raise_if_any()
    rows = pd.concat(parts, ignore_index=True)
    rows["year"] = rows["year"].astype(int)
    return rows, aggregates, outside


def _long(p: Parser, communes: set[str] | None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The 2022+ ORE long layout and the SDES layout: one row per sector (× NAF × category)."""
    cols = p.columns(
        {"annee": ("year",), "filiere": (), "code_grand_secteur": (),
         "conso": ("conso_totale_mwh", "conso_mwh")},
        {"pdl": ("nb_sites", "nb_pdl"), "libelle_grand_secteur": (), "code_departement": (), "code_region": ()},
    )
    secret_cols = [c for c in p.df.columns if "secret" in normalise_name(c)]
    full = p.df
    aggregates = None
    geo_cols = {c: cols[c] for c in ("code_departement", "code_region") if c in cols}
    if geo_cols and _commune_level(p):
        flag = _secret_text(full[cols["conso"]])
        for c in secret_cols:
            flag |= _coarse_numbers(full[c]).fillna(0) > 0
        value = _coarse_numbers(full[cols["conso"]]).mask(flag)
        flag |= value.isna()
        frame = pd.DataFrame({"year": _coarse_numbers(full[cols["annee"]]),
                              "carrier": lookup(full[cols["filiere"]], CARRIERS),
                              "sector": lookup(full[cols["code_grand_secteur"]], SECTORS),
                              "value": value, "secret": flag, **{geo_cols[c]: full[geo_cols[c]] for c in geo_cols}})
        aggregates = _aggregates(frame.dropna(subset=["year", "carrier", "sector"]), geo_cols)
    level, geo_col, outside = _geography(p, communes)
    geo = p.code(geo_col, "insee" if level == "commune" else "siren")
    year = p.observed_year(cols["annee"])
    carrier = p.choice(cols["filiere"], CARRIERS, what="filière")
    sector_raw = p.df[cols["code_grand_secteur"]].astype(str)
    sector = lookup(sector_raw, SECTORS)
    if sector.isna().any() and "libelle_grand_secteur" in cols:
        by_label = lookup(p.df[cols["libelle_grand_secteur"]], SECTORS)
        sector = sector.fillna(by_label)
    if sector.isna().any():
        p.problem("grand secteur inconnu (A, I, R, T, X ou RESIDENTIEL, TERTIAIRE, INDUSTRIE, AGRICULTURE, "
                  "INCONNU attendu)", sector.index[sector.isna()], cols["code_grand_secteur"], sector_raw)
    text_secret = _secret_text(p.df[cols["conso"]])
    p.df[cols["conso"]] = p.df[cols["conso"]].where(~text_secret, "")
    conso = p.number(cols["conso"])
    pdl = pd.Series(np.nan, index=p.df.index)
    if "pdl" in cols:
        p.df[cols["pdl"]] = p.df[cols["pdl"]].where(~_secret_text(p.df[cols["pdl"]]), "")
        pdl = p.number(cols["pdl"])
    # Secret: the literal text, an explicit flag, or an empty cell (never a zero).
    flag = text_secret | conso.isna()
    for c in secret_cols:
        flag |= p.number(c).fillna(0) > 0
    p.raise_if_any()
    rows = pd.DataFrame({"geo_level": level, "geo_code": geo, "year": year.astype(int), "carrier": carrier,
                         "sector": sector, "value": conso.mask(flag), "delivery_points": pdl, "secret": flag,
                         "line": p.df[LINE]})
    return rows, aggregates, outside

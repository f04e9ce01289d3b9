"""Comparison levels for energy and renewables: a département, a region, France.

Readers of the published layouts that speak for a whole département (Enedis), a region (ODRÉ) or the
country (ODRÉ national gross consumption). Their rows are never summed into the territory: they are
comparison levels, each with its own scope (:data:`SCOPES`).

Every reader returns one long frame:

``geo_level`` (``departement``, ``region``, ``france``), ``geo_code`` (``62``, ``32``, ``FR``), ``name``,
``year``, ``variable``, ``breakdown`` (a sector or a technology, ``total`` for a published total),
``value`` [MWh, kW or count: ``unit``], ``unit``, ``complete`` (False where a cell of the sum is empty:
unknown, never 0 — the value is a minimum), ``status`` (the producer's ``Définitif``/``Consolidé``/
``Provisoire``, ``""`` when it gives none), ``line`` (first line of the file the value comes from).

References
----------
Enedis open data, « Consommation électrique par secteur d'activité (département) » and « Production
électrique par filière à la maille département ». ODRÉ, « Production annuelle d'électricité renouvelable par
région », « Parc régional annuel de production éolien et solaire », « Consommation annuelle brute régionale »,
« Consommation annuelle brute ».
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._table import LINE, Parser, normalise_name, read_any

GWH_TO_MWH = 1000.0
MW_TO_KW = 1000.0
FRANCE = ("france", "FR", "France")

#: Scope note of each (layout, variable): what the level's figure covers, printed beside it.
SCOPES = {
    "enedis_conso": "réseau Enedis seulement (sans l'industrie raccordée au réseau de transport RTE ni les "
                    "entreprises locales de distribution)",
    "enedis_prod": "réseau Enedis seulement (installations raccordées au réseau de distribution d'Enedis ; sans "
                   "les parcs raccordés au réseau de transport RTE ni les entreprises locales de distribution)",
    "odre_enr": "production renouvelable de la région, tous réseaux",
    "odre_parc": "parc installé au 31 décembre, tous réseaux",
    "odre_conso_brute": "consommation brute (pertes de réseau comprises), tous réseaux, non corrigée du climat",
    "odre_conso_corrigee": "consommation brute, corrigée du climat (aléas météorologiques et calendaires, RTE)",
    "odre_gaz_brut": "consommation brute de gaz, en PCS (pouvoir calorifique supérieur), réseaux de transport",
}

ENEDIS_SECTORS = {"Résidentiel": "residentiel", "Professionnel": "professionnel", "Agriculture": "agriculture",
                  "Industrie": "industrie", "Tertiaire": "tertiaire", "Secteur non affecté": "non_affecte"}
ENEDIS_TECHNOLOGIES = {"photovoltaique": "solaire_pv", "eolien": "eolien", "hydraulique": "hydraulique",
                       "bio_energie": "bioenergies", "cogeneration": "cogeneration", "autres_filieres": "autres"}
#: Renewable among the Enedis technologies (cogeneration and « autres » are mostly fossil: left out).
ENEDIS_RENEWABLE = ("solaire_pv", "eolien", "hydraulique", "bioenergies")
ODRE_ENR = {"Production hydraulique renouvelable (GWh)": ("production_electricite", "hydraulique"),
            "Production bioénergies renouvelable (GWh)": ("production_electricite", "bioenergies"),
            "Production éolienne renouvelable (GWh)": ("production_electricite", "eolien"),
            "Production solaire renouvelable (GWh)": ("production_electricite", "solaire_pv"),
            "Production électrique renouvelable (GWh)": ("production_electricite_renouvelable", "total"),
            "Production gaz renouvelable (GWh)": ("production_gaz_renouvelable", "total"),
            "Production totale renouvelable (GWh)": ("production_renouvelable", "total")}
ODRE_PARC = {"Parc installé éolien (MW)": "eolien", "Parc installé solaire (MW)": "solaire_pv"}
STATUSES = {"Définitif": "definitif", "Consolidé": "consolide", "Provisoire": "provisoire"}
STATUS_FR = {"definitif": "définitif", "consolide": "consolidé", "provisoire": "provisoire", "": ""}

COLUMNS = ["geo_level", "geo_code", "name", "year", "variable", "breakdown", "value", "unit", "complete", "status",
           "scope", "line"]


def _frame(p: Parser, level: str, code: pd.Series, name: pd.Series, year: pd.Series, variable: str, breakdown: str,
           value: pd.Series, unit: str, scope: str, status: pd.Series | str = "",
           complete: pd.Series | None = None) -> pd.DataFrame:
    return pd.DataFrame({
        "geo_level": level, "geo_code": code.to_numpy(), "name": name.to_numpy(), "year": year.to_numpy(),
        "variable": variable, "breakdown": breakdown, "value": value.to_numpy(dtype=float), "unit": unit,
        "complete": (value.notna() if complete is None else complete).to_numpy(dtype=bool),
        "status": status if isinstance(status, str) else status.to_numpy(), "scope": SCOPES[scope],
        "line": p.df[LINE].to_numpy(),
    })


def _geo(p: Parser, cols: dict) -> tuple[pd.Series, pd.Series]:
    return p.text(cols["code"]).str.zfill(2), p.text(cols["nom"])


def _status(p: Parser, column: str) -> pd.Series:
    return p.choice(column, STATUSES, required=False, what="statut")


def read_enedis_consumption_departement(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Enedis electricity consumption by sector and département (``;``, MWh, sites) [MWh]."""
    p = Parser(read_any(path, display), display or str(path))
    need = {"annee": (), "code": ("Code département",), "nom": ("Nom département",)}
    for label in ENEDIS_SECTORS:
        need[f"conso {label}"] = (f"Conso totale {label} (MWh)",)
        need[f"sites {label}"] = (f"Nb sites {label}",)
    cols = p.columns(need)
    year = p.observed_year(cols["annee"])
    code, name = _geo(p, cols)
    parts = []
    for label, sector in ENEDIS_SECTORS.items():
        mwh = p.number(cols[f"conso {label}"])
        sites = p.number(cols[f"sites {label}"])
        parts.append(_frame(p, "departement", code, name, year, "conso_electricite", sector, mwh, "MWh", "enedis_conso"))
        parts.append(_frame(p, "departement", code, name, year, "sites_electricite", sector, sites, "sites",
                            "enedis_conso"))
    p.duplicates(pd.DataFrame({"code": code, "year": year}), "Code département, Année")
    p.raise_if_any()
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def read_enedis_production_departement(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Enedis production by technology and département, summed over the voltage domains (``,``) [MWh].

    An empty cell is unknown (the producer's secrecy), never 0: the sum that holds it is a minimum
    (``complete`` False)."""
    p = Parser(read_any(path, display), display or str(path))
    need = {"annee": (), "code": ("code_departement",), "nom": ("nom_departement",), "domaine": ("domaine_de_tension",)}
    for key in ENEDIS_TECHNOLOGIES:
        need[f"mwh {key}"] = (f"energie_produite_annuelle_{key}_enedis_mwh",)
        need[f"sites {key}"] = (f"nb_sites_{key}_enedis",)
    cols = p.columns(need)
    year = p.observed_year(cols["annee"])
    code, name = _geo(p, cols)
    p.text(cols["domaine"])
    p.duplicates(pd.DataFrame({"code": code, "year": year, "d": p.df[cols["domaine"]]}),
                 "code_departement, annee, domaine_de_tension")
    parts = []
    for key, tech in ENEDIS_TECHNOLOGIES.items():
        for var, col, unit in (("production_electricite", f"mwh {key}", "MWh"),
                               ("sites_production", f"sites {key}", "sites")):
            parts.append(_frame(p, "departement", code, name, year, var, tech, p.number(cols[col]), unit,
                                "enedis_prod"))
    p.raise_if_any()
    rows = pd.concat(parts, ignore_index=True)
    keys = ["geo_level", "geo_code", "name", "year", "variable", "breakdown", "unit", "status", "scope"]
    g = rows.groupby(keys, sort=True)
    out = pd.DataFrame({"value": g["value"].sum(min_count=1), "complete": g["complete"].all(),
                        "line": g["line"].min()}).reset_index()
    return out[COLUMNS]


def _odre_region(p: Parser, cols: dict) -> tuple[pd.Series, pd.Series, pd.Series]:
    year = p.observed_year(cols["annee"])
    code = p.text(cols["code"]).str.zfill(2)
    name = p.text(cols["nom"])
    p.duplicates(pd.DataFrame({"code": code, "year": year}), "Code INSEE région, Année")
    return year, code, name


def read_odre_renewables_region(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """ODRÉ renewable production by region and technology (GWh → MWh). GeoJSON columns ignored."""
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({"annee": ("Année",), "code": ("Code INSEE région",), "nom": ("Nom INSEE région", "Région"),
                      **{c: () for c in ODRE_ENR}})
    year, code, name = _odre_region(p, cols)
    parts = [_frame(p, "region", code, name, year, var, brk, p.number(cols[c]) * GWH_TO_MWH, "MWh", "odre_enr")
             for c, (var, brk) in ODRE_ENR.items()]
    p.raise_if_any()
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def read_odre_capacity_region(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """ODRÉ installed wind and solar capacity by region at 31 December (MW → kW)."""
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({"annee": ("Année",), "code": ("Code INSEE région",), "nom": ("Région",),
                      **{c: () for c in ODRE_PARC}})
    year, code, name = _odre_region(p, cols)
    parts = [_frame(p, "region", code, name, year, "capacity", tech, p.number(cols[c]) * MW_TO_KW, "kW", "odre_parc")
             for c, tech in ODRE_PARC.items()]
    p.raise_if_any()
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def read_odre_gross_consumption(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """ODRÉ gross consumption, regional (« Consommation annuelle brute régionale ») or national
    (« Consommation annuelle brute », with the climate-corrected electricity) (GWh → MWh).

    The producer's status (``Définitif``, ``Consolidé``, ``Provisoire``) is kept in ``status``: a
    provisional year is not a definitive one. Gas is in GWh PCS: kept apart (``conso_gaz_brute_pcs``)."""
    p = Parser(read_any(path, display), display or str(path))
    have = {normalise_name(c) for c in p.df.columns}
    regional = normalise_name("Code INSEE région") in have
    need = {"annee": ("Année",), "elec": ("Consommation brute électricité (GWh) - RTE",),
            "statut_rte": ("Statut - RTE",), "gaz": ("Consommation brute gaz totale (GWh PCS 0°C)",)}
    if regional:
        need |= {"code": ("Code INSEE région",), "nom": ("Région",)}
        gas_status = {"statut_gaz": ("Statut - NaTran", "Statut - GRTgaz")}
    else:
        need |= {"corrigee": ("Consommation corrigée électricité (GWh) - RTE",)}
        gas_status = {"statut_gaz": ("Statut - GRTgaz", "Statut - NaTran")}
    cols = p.columns(need, gas_status)
    if regional:
        year, code, name = _odre_region(p, cols)
        level = "region"
    else:
        year = p.observed_year(cols["annee"])
        p.duplicates(pd.DataFrame({"year": year}), "Année")
        level, code, name = FRANCE[0], pd.Series(FRANCE[1], index=p.df.index), pd.Series(FRANCE[2], index=p.df.index)
    rte = _status(p, cols["statut_rte"])
    gas_st = _status(p, cols["statut_gaz"]) if "statut_gaz" in cols else pd.Series("", index=p.df.index)
    parts = [_frame(p, level, code, name, year, "conso_electricite_brute", "total",
                    p.number(cols["elec"]) * GWH_TO_MWH, "MWh", "odre_conso_brute", rte),
             _frame(p, level, code, name, year, "conso_gaz_brute_pcs", "total", p.number(cols["gaz"]) * GWH_TO_MWH,
                    "MWh PCS", "odre_gaz_brut", gas_st)]
    if not regional:
        parts.append(_frame(p, level, code, name, year, "conso_electricite_corrigee", "total",
                            p.number(cols["corrigee"]) * GWH_TO_MWH, "MWh", "odre_conso_corrigee", rte))
    p.raise_if_any()
    out = pd.concat(parts, ignore_index=True)
    return out.loc[out["value"].notna() | (out["variable"] != "conso_gaz_brute_pcs")][COLUMNS].reset_index(drop=True)


def with_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """Add the sums the files do not publish: Enedis consumption of all sectors (``conso_electricite``,
    ``total``) and Enedis renewable production (``production_electricite_renouvelable``: PV, wind, hydro and
    bioenergies). A sum holding an unknown cell is incomplete (a minimum)."""
    keys = ["geo_level", "geo_code", "name", "year", "unit", "status", "scope"]
    added = []
    enedis = rows["scope"].isin([SCOPES["enedis_conso"], SCOPES["enedis_prod"]])
    for var, parts, new in (("conso_electricite", None, "conso_electricite"),
                            ("production_electricite", ENEDIS_RENEWABLE, "production_electricite_renouvelable")):
        sel = rows.loc[enedis & (rows["variable"] == var) & (rows["breakdown"] != "total")]
        if parts is not None:
            sel = sel.loc[sel["breakdown"].isin(parts)]
        if sel.empty:
            continue
        g = sel.groupby(keys, sort=True)
        added.append(pd.DataFrame({"value": g["value"].sum(min_count=1),
                                   "complete": g["complete"].all() & g["value"].count().gt(0),
                                   "line": g["line"].min()}).reset_index()
                     .assign(variable=new, breakdown="total"))
    return pd.concat([rows, *added], ignore_index=True)[COLUMNS] if added else rows


__all__ = ["read_enedis_consumption_departement", "read_enedis_production_departement",
           "read_odre_renewables_region", "read_odre_capacity_region", "read_odre_gross_consumption",
           "with_totals", "SCOPES", "COLUMNS", "STATUS_FR"]

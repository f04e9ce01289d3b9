"""Renewable heat and gas: the production template, and the national register of biomethane
injection sites.

**Template** (``docs/chaleur_gaz_renouvelables.md``): columns ``territoire, annee, filiere, valeur,
unite, source``, one row = the yearly production of one source (wood, heat pumps, solar thermal,
deep geothermy, biogas heat, recovered heat, injected biomethane) for a commune, an EPCI or the Pôle,
in MWh, GWh or kWh — what the regional observatory or a heat-network operator delivers.

**Register** « Points d'injection de biométhane en France » (ODRÉ / GRDF–GRTgaz–Teréga open data),
one row per injection site, columns as the API exports them: ``nom_du_projet`` (or ``nom_du_site``),
``site`` (typology), ``grx_demandeur``, ``date_de_mes`` (commissioning date, ``dd/mm/yyyy`` or ISO)
or ``annee_mes``, ``capacite_de_production_gwh_an`` (GWh PCS a year), ``type_de_reseau``,
``commune``, ``departement``, ``region``. The commune is read from an INSEE code column where the
export has one (``code_insee``, ``code_commune``, ``insee_commune``…), otherwise from its name within
the département. The companion dataset of yearly injections per site adds ``annee`` and
``quantite_annuelle_injectee_en_mwh``: where they are present they are read as production.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..vocabulary import HEAT_GAS_SPELLINGS
from ._table import Parser, normalise_name, read_any

COLUMNS = ["territoire", "annee", "filiere", "valeur", "unite", "source"]
UNITS = {"MWh": 1.0, "GWh": 1000.0, "kWh": 0.001}


def read_heat_production(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read a filled renewable heat and gas production template.

    Returns
    -------
    DataFrame
        ``territoire`` (as written), ``year``, ``technology`` (a code of ``heat_gas_sources``),
        ``value`` [MWh], ``source``, ``line``.
    """
    p = Parser(read_any(path, display, allow_empty=True), display or str(path))
    cols = p.columns({c: () for c in COLUMNS})
    terr = p.text(cols["territoire"]).str.upper()
    year = p.observed_year(cols["annee"])
    tech = p.choice(cols["filiere"], HEAT_GAS_SPELLINGS, what="filière")
    value = p.number(cols["valeur"], required=True)
    unit = p.choice(cols["unite"], {k: k for k in UNITS}, what="unité")
    source = p.text(cols["source"])
    p.duplicates(pd.DataFrame({"t": terr, "a": year, "f": tech}), "territoire, annee, filiere")
    p.raise_if_any()
    return pd.DataFrame({"territoire": terr, "year": year.astype(int), "technology": tech,
                         "value": value * unit.map(UNITS), "source": source, "line": p.df["_line"]})


def write_template(folder: str | Path) -> list[Path]:
    """Write the production template (CSV, ``;``, UTF-8) with example rows to replace."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "production_enr_chaleur_gaz_modele.csv"
    pd.DataFrame([["CALL", 2022, "bois_domestique", "310 000", "MWh", "Observatoire Climat Hauts-de-France, A2022"],
                  ["CALL", 2022, "pompes_a_chaleur", "95", "GWh", "Observatoire Climat Hauts-de-France, A2022"],
                  ["62498", 2022, "chaleur_recuperation", "18 500", "MWh", "Exploitant du réseau de chaleur, rapport 2022"]],
                 columns=COLUMNS).to_csv(path, sep=";", index=False, encoding="utf-8")
    return [path]


def _dates(p: Parser, column: str) -> pd.Series:
    """Commissioning year from ``dd/mm/yyyy``, ``yyyy-mm-dd`` or a bare year."""
    raw = p.text(column, required=False)

    def year_of(text: str) -> float:
        m = re.fullmatch(r"\d{1,2}/\d{1,2}/(\d{4})", text) or re.fullmatch(r"(\d{4})(-\d{2}-\d{2}.*)?", text)
        return float(m.group(1)) if m else float("nan")

    years = raw.map(year_of)
    bad = raw.ne("") & years.isna()
    if bad.any():
        p.problem("date de mise en service illisible (jj/mm/aaaa, aaaa-mm-jj ou aaaa)", raw.index[bad], column, raw)
    return years


def read_biomethane_register(path: str | Path, display: str | None = None,
                             communes: dict[str, str] | None = None) -> pd.DataFrame:
    """Read the register of biomethane injection sites (or its yearly injections).

    Parameters
    ----------
    communes : dict, optional
        ``{normalised commune name: INSEE code}`` of the territory, used when the export has no INSEE
        code column. Sites elsewhere are left out and counted in ``attrs["outside"]``.

    Returns
    -------
    DataFrame
        ``code_insee, name, commissioning_year`` (NaN when not given), ``capacity_mwh`` [MWh a year,
        from GWh], ``year`` and ``injected_mwh`` where the yearly-injection columns are present, ``line``.
    """
    name = display or str(path)
    p = Parser(read_any(path, display), name)
    cols = p.columns(
        {"nom": ("nom_du_projet", "nom_du_site", "nom_du_point_dinjection")},
        {"code_insee": ("code_commune", "insee_commune", "code_insee_commune", "codeinseecommune", "insee"),
         "commune": ("nom_commune",), "departement": ("code_departement", "nom_departement"),
         "date_de_mes": ("date_mes", "date_de_mise_en_service"), "annee_mes": (),
         "capacite": ("capacite_de_production_gwh_an", "capacite_de_production_gwh"),
         "annee": (), "injecte": ("quantite_annuelle_injectee_en_mwh", "production_de_biomethane_annuel_mwh_an")},
    )
    if "code_insee" not in cols and "commune" not in cols:
        p.problem("colonne de localisation absente : code INSEE de la commune ou nom de la commune", column="commune")
        p.raise_if_any()
    if "capacite" not in cols and "injecte" not in cols:
        p.problem("ni capacité (capacite_de_production_gwh_an) ni quantité injectée "
                  "(quantite_annuelle_injectee_en_mwh) : rien à lire", column="capacite_de_production_gwh_an")
        p.raise_if_any()
    names = p.text(cols["nom"])
    if "code_insee" in cols:
        code = p.code(cols["code_insee"], "insee")
        inside = code.isin(set((communes or {}).values())) if communes is not None else pd.Series(True, index=code.index)
    else:
        town = p.text(cols["commune"]).map(normalise_name)
        dep = (p.text(cols["departement"], required=False).map(normalise_name) if "departement" in cols
               else pd.Series("", index=town.index))
        own = {"62", "pasdecalais"}
        code = town.map(communes or {}).fillna("")
        inside = code.ne("") & (dep.eq("") | dep.isin(own))
    mes = (_dates(p, cols["date_de_mes"]) if "date_de_mes" in cols
           else p.number(cols["annee_mes"]) if "annee_mes" in cols else pd.Series(float("nan"), index=names.index))
    capacity = p.number(cols["capacite"]) * 1000.0 if "capacite" in cols else pd.Series(float("nan"), index=names.index)
    out = pd.DataFrame({"code_insee": code, "name": names, "commissioning_year": mes, "capacity_mwh": capacity,
                        "line": p.df["_line"]})
    if "injecte" in cols:
        if "annee" not in cols:
            p.problem("colonne « annee » absente : une quantité injectée se rapporte à une année", column="annee")
        else:
            out["year"] = p.observed_year(cols["annee"])
            out["injected_mwh"] = p.number(cols["injecte"])
    p.raise_if_any()
    kept = out.loc[inside].reset_index(drop=True)
    kept.attrs["outside"] = {"rows": int((~inside).sum()), "communes": int(code[~inside].nunique())}
    return kept

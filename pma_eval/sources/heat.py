"""Renewable heat and gas: the production template, and the national register of biomethane
injection sites.

**Template** (``docs/chaleur_gaz_renouvelables.md``): columns ``territoire, annee, filiere, valeur,
unite, source``, one row = the yearly production of one source (wood, heat pumps, solar thermal,
deep geothermy, biogas heat, recovered heat, injected biomethane) for a commune, an EPCI or the Pôle,
in MWh, GWh or kWh — what the regional observatory or a heat-network operator delivers.

**Register** « Points d'injection de biométhane en France » (ODRÉ, from GRDF, GRTgaz and Teréga),
one row per injection site. Its releases are recognised from their header
(:data:`pma_eval.sources.layouts.LAYOUTS`, format ``odre_biomethane``), the column spellings of every
release being declared once in :data:`REGISTER_COLUMNS`:

- the 2023 export (``;``, UTF-8 with BOM, 22 columns): ``Nom du site``, ``Commune`` (a name),
  ``Code EPCI``, ``Date de mise en service`` (ISO), ``Capacite de production (GWh/an)``,
  ``Date de fermeture du site``, ``Site ouvert ?``, ``Code Commune Courant`` (INSEE code),
  ``Coordonnees`` (« lat, lon » in one field, not read);
- older exports, with ``Code INSEE Commune`` and ``Code INSEE EPCI``;
- the API's lower-case fields (``nom_du_projet``, ``date_de_mes`` ``dd/mm/yyyy``,
  ``capacite_de_production_gwh_an``, ``code_insee`` or ``commune`` and ``departement``).

A site is placed by its INSEE commune code wherever the row has one; only a row without a code is
placed by its commune name, within the Pas-de-Calais. The register holds **capacities** (GWh PCS a
year a site may inject), not injected energy. The companion dataset of yearly injections per site
adds ``annee`` and ``quantite_annuelle_injectee_en_mwh``: where they are present they are read as
production.
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
    from .inventory import territory_examples

    whole, epcis, commune = territory_examples()  # the territory in use's codes, from its declaration
    epci = epcis[0] if epcis else whole
    pd.DataFrame([[epci, 2022, "bois_domestique", "310 000", "MWh", "Observatoire Climat Hauts-de-France, A2022"],
                  [epci, 2022, "pompes_a_chaleur", "95", "GWh", "Observatoire Climat Hauts-de-France, A2022"],
                  [commune, 2022, "chaleur_recuperation", "18 500", "MWh", "Exploitant du réseau de chaleur, rapport 2022"]],
                 columns=COLUMNS).to_csv(path, sep=";", index=False, encoding="utf-8")
    return [path]


#: Column spellings of the register's releases (2023 export, older ``Code INSEE …`` exports, API
#: fields), canonical name → accepted spellings (matched without case, accents or punctuation).
REGISTER_COLUMNS = {
    "nom": ("nom_du_projet", "nom_du_site", "nom_du_point_dinjection"),
    "code_insee": ("code_commune_courant", "code_insee_commune", "code_commune", "insee_commune",
                   "codeinseecommune", "insee"),
    "commune": ("nom_commune",),
    "departement": ("code_departement", "nom_departement"),
    "code_epci": ("code_insee_epci",),
    "date_de_mes": ("date_mes", "date_de_mise_en_service"),
    "annee_mes": ("annee_mise_en_service",),
    "capacite": ("capacite_de_production_gwh_an", "capacite_de_production_gwh"),
    "fermeture": ("date_de_fermeture_du_site", "date_de_fermeture"),
    "ouvert": ("site_ouvert",),
    "annee": (),
    "injecte": ("quantite_annuelle_injectee_en_mwh", "production_de_biomethane_annuel_mwh_an"),
}
#: Département whose sites may be placed by commune name when a row has no INSEE code.
OWN_DEPARTEMENT = {"62", "pasdecalais"}


def _dates(p: Parser, column: str, what: str = "date de mise en service") -> pd.Series:
    """Dates from ``dd/mm/yyyy``, ``yyyy-mm-dd`` or a bare year (read as 1 January) [Timestamp]."""
    raw = p.text(column, required=False)

    def parse(text: str) -> pd.Timestamp:
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
            d, mo, y = map(int, m.groups())
        elif m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", text):
            y, mo, d = map(int, m.groups())
        elif m := re.fullmatch(r"(\d{4})", text):
            y, mo, d = int(m.group(1)), 1, 1
        else:
            return pd.NaT
        try:
            return pd.Timestamp(y, mo, d)
        except ValueError:
            return pd.NaT

    dates = pd.to_datetime(raw.map(parse))
    bad = raw.ne("") & dates.isna()
    if bad.any():
        p.problem(f"{what} illisible (jj/mm/aaaa, aaaa-mm-jj ou aaaa)", raw.index[bad], column, raw)
    return dates


def read_biomethane_register(path: str | Path, display: str | None = None,
                             communes: dict[str, str] | None = None) -> pd.DataFrame:
    """Read the register of biomethane injection sites (or its yearly injections), in any of its
    recognised releases.

    Parameters
    ----------
    communes : dict, optional
        ``{normalised commune name: INSEE code}`` of the territory: sites elsewhere are left out and
        counted in ``attrs["outside"]``; a row without an INSEE code is placed by its name.

    Returns
    -------
    DataFrame
        ``code_insee, name, commissioning_date, commissioning_year`` (NaN when not given),
        ``closing_date`` (NaT when open), ``open`` (False for a site the register says closed),
        ``capacity_mwh`` [MWh a year, from the published GWh a year], ``year`` and ``injected_mwh``
        where the yearly-injection columns are present, ``line``. ``attrs``: ``layout``,
        ``outside`` (rows, communes), ``no_commune`` (rows with neither code nor commune name),
        ``first_commissioning`` and ``latest_commissioning`` (ISO dates over every row of the file).
    """
    from .layouts import detect, unknown_layout

    name = display or str(path)
    p = Parser(read_any(path, display), name)
    layout = detect(p.df.columns, "odre_biomethane")
    if layout is None:
        raise unknown_layout(name, p.df.columns)
    cols = p.columns({"nom": REGISTER_COLUMNS["nom"]},
                     {k: v for k, v in REGISTER_COLUMNS.items() if k != "nom"})
    if "code_insee" not in cols and "commune" not in cols:
        p.problem("colonne de localisation absente : code INSEE de la commune ou nom de la commune", column="commune")
        p.raise_if_any()
    if "capacite" not in cols and "injecte" not in cols:
        p.problem("ni capacité (capacite_de_production_gwh_an) ni quantité injectée "
                  "(quantite_annuelle_injectee_en_mwh) : rien à lire", column="capacite_de_production_gwh_an")
        p.raise_if_any()
    names = p.text(cols["nom"])
    empty = pd.Series("", index=names.index)
    code = p.code(cols["code_insee"], "insee", required=False) if "code_insee" in cols else empty
    town = p.text(cols["commune"], required=False) if "commune" in cols else empty
    dep = p.text(cols["departement"], required=False).map(normalise_name) if "departement" in cols else empty
    # The INSEE code places a site; a name only where the row has no code, and only in the département.
    by_name = code.eq("") & town.ne("")
    named = town[by_name].map(normalise_name).map(communes or {}).fillna("")
    named = named.where(dep[by_name].eq("") | dep[by_name].isin(OWN_DEPARTEMENT), "")
    code = code.where(~by_name, named)
    unplaced = code.eq("") & town.eq("")
    if communes is not None:
        inside = code.isin(set(communes.values()))
    else:
        inside = code.ne("")
    if "date_de_mes" in cols:
        mes = _dates(p, cols["date_de_mes"])
    elif "annee_mes" in cols:
        mes = pd.to_datetime(p.number(cols["annee_mes"]).map(lambda y: pd.Timestamp(int(y), 1, 1) if y == y else pd.NaT))
    else:
        mes = pd.Series(pd.NaT, index=names.index, dtype="datetime64[ns]")
    closing = (_dates(p, cols["fermeture"], "date de fermeture") if "fermeture" in cols
               else pd.Series(pd.NaT, index=names.index, dtype="datetime64[ns]"))
    is_open = (p.choice(cols["ouvert"], {"True": "1", "Vrai": "1", "Oui": "1", "False": "0", "Faux": "0", "Non": "0"},
                        required=False, what="« site ouvert »").ne("0") if "ouvert" in cols
               else pd.Series(True, index=names.index))
    is_open &= closing.isna()
    capacity = p.number(cols["capacite"]) * 1000.0 if "capacite" in cols else pd.Series(float("nan"), index=names.index)
    out = pd.DataFrame({"code_insee": code, "name": names, "commissioning_date": mes,
                        "commissioning_year": mes.dt.year.astype(float), "closing_date": closing, "open": is_open,
                        "capacity_mwh": capacity, "line": p.df["_line"]})
    if "injecte" in cols:
        if "annee" not in cols:
            p.problem("colonne « annee » absente : une quantité injectée se rapporte à une année", column="annee")
        else:
            out["year"] = p.observed_year(cols["annee"])
            out["injected_mwh"] = p.number(cols["injecte"])
    p.raise_if_any()
    kept = out.loc[inside].reset_index(drop=True)
    outside = ~inside & ~unplaced
    kept.attrs["layout"] = layout.id
    kept.attrs["outside"] = {"rows": int(outside.sum()), "communes": int(code[outside & code.ne("")].nunique())}
    kept.attrs["no_commune"] = {"rows": int(unplaced.sum())}  # not "unplaced": that one counts kW
    # The register's span, over all its rows: it speaks for every year from its first commissioning.
    kept.attrs["first_commissioning"] = None if mes.isna().all() else mes.min().date().isoformat()
    kept.attrs["latest_commissioning"] = None if mes.isna().all() else mes.max().date().isoformat()
    return kept

"""Canonical French template for observatory inventories (CSV or XLSX).

Columns ``territoire, annee, secteur, energie_ou_gaz, valeur, unite, source``, so that figures
from Atmo Hauts-de-France, the regional observatory or a consultant can be pasted in. One row
is one value: the energy consumption of a sector for a carrier, the greenhouse-gas emissions of a
sector (``energie_ou_gaz = GES``), or the emissions of one of the six air pollutants of a PCAET
(``NOx``, ``PM10``, ``PM2,5``, ``COVNM``, ``SO2``, ``NH3``; in t, kg or kt) — the long form an air
quality observatory delivers (territory, year, pollutant, sector, value, unit).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..vocabulary import POLLUTANT_SPELLINGS, POLLUTANTS
from ._table import Parser, read_any

TEMPLATE_COLUMNS = ["territoire", "annee", "secteur", "energie_ou_gaz", "valeur", "unite", "source"]

#: Accepted sector spellings → canonical code.
SECTORS = {
    "residentiel": "residentiel", "Résidentiel": "residentiel",
    "tertiaire": "tertiaire",
    "transport_routier": "transport_routier", "Transport routier": "transport_routier", "Routier": "transport_routier",
    "autres_transports": "autres_transports", "Autres transports": "autres_transports",
    "agriculture": "agriculture",
    "dechets": "dechets", "Déchets": "dechets",
    "industrie_hors_energie": "industrie_hors_energie", "Industrie hors branche énergie": "industrie_hors_energie",
    "Industrie hors énergie": "industrie_hors_energie", "industrie": "industrie_hors_energie",
    "branche_energie": "branche_energie", "Branche énergie": "branche_energie", "Energie": "branche_energie",
}

#: Energy carriers, plus ``ges`` for greenhouse-gas emissions.
CARRIERS = {
    "electricite": "electricite", "Électricité": "electricite",
    "gaz": "gaz", "gaz naturel": "gaz",
    "produits_petroliers": "produits_petroliers", "produits pétroliers": "produits_petroliers", "fioul": "produits_petroliers",
    "bois_energie": "bois_energie", "bois-énergie": "bois_energie", "bois": "bois_energie",
    "chaleur_reseau": "chaleur_reseau", "chaleur et froid (réseaux)": "chaleur_reseau", "réseau de chaleur": "chaleur_reseau",
    "autres_enr": "autres_enr", "autres énergies renouvelables": "autres_enr",
    "charbon": "charbon", "autres": "autres", "autres non renouvelables": "autres",
    "ges": "ges", "GES": "ges", "gaz à effet de serre": "ges",
    **POLLUTANT_SPELLINGS,
}

#: Accepted units → (canonical unit, factor to it).
UNITS = {
    "MWh": ("MWh", 1.0), "GWh": ("MWh", 1000.0), "kWh": ("MWh", 0.001),
    "tCO2e": ("tCO2e", 1.0), "teqCO2": ("tCO2e", 1.0), "tCO2eq": ("tCO2e", 1.0),
    "ktCO2e": ("tCO2e", 1000.0), "kteqCO2": ("tCO2e", 1000.0), "ktCO2eq": ("tCO2e", 1000.0),
    "t": ("t", 1.0), "kg": ("t", 0.001), "kt": ("t", 1000.0),
}


def canonical_unit(carrier: str) -> str:
    """The unit family a value of ``energie_ou_gaz`` must be given in."""
    return "tCO2e" if carrier == "ges" else "t" if carrier in POLLUTANTS else "MWh"


def read_inventory(path: str | Path, display: str | None = None, sheet: str | int = 0) -> pd.DataFrame:
    """Read a filled-in inventory template.

    Returns
    -------
    DataFrame
        ``territoire`` (as written: INSEE code, EPCI SIREN or ``PMA``), ``year``, ``sector``,
        ``carrier`` (``ges`` for emissions, a pollutant code of the vocabulary for air pollutants),
        ``value`` in the canonical unit, ``unit`` (``MWh``, ``tCO2e`` or ``t``), ``source``, ``line``.
    """
    p = Parser(read_any(path, display, sheet=sheet), display or str(path))
    cols = p.columns({c: () for c in TEMPLATE_COLUMNS})
    terr = p.text(cols["territoire"]).str.upper()
    year = p.observed_year(cols["annee"])
    sector = p.choice(cols["secteur"], SECTORS, what="secteur")
    carrier = p.choice(cols["energie_ou_gaz"], CARRIERS, what="énergie ou gaz")
    value = p.number(cols["valeur"], required=True)
    unit_raw = p.text(cols["unite"])
    unit = p.choice(cols["unite"], {k: k for k in UNITS}, what="unité")
    mismatch = (unit != "") & (carrier != "") & (
        unit.map(lambda u: UNITS.get(u, ("",))[0]) != carrier.map(canonical_unit))
    if mismatch.any():
        p.problem("unité incompatible avec « energie_ou_gaz » (GES en tCO2e, énergie en MWh, polluants en t, kg ou kt)",
                  unit.index[mismatch], cols["unite"], unit_raw)
    source = p.text(cols["source"])
    p.duplicates(pd.DataFrame({"t": terr, "a": year, "s": sector, "c": carrier}),
                 "territoire, annee, secteur, energie_ou_gaz")
    p.raise_if_any()
    factor = unit.map(lambda u: UNITS[u][1])
    return pd.DataFrame({
        "territoire": terr, "year": year.astype(int), "sector": sector, "carrier": carrier,
        "value": value * factor, "unit": unit.map(lambda u: UNITS[u][0]), "source": source,
        "line": p.df["_line"],
    })


def territory_examples(paths=None) -> tuple[str, list[str], str]:
    """The codes a template's example rows and notes give, from the declaration of the territory in use: the whole
    territory's code (« PMA »), its EPCIs' short names, one of its communes' INSEE code (the first of its commune
    table; « 00000 » when it cannot be read)."""
    from ..config import get_paths
    from ..declaration import in_use_or_default

    paths = paths or get_paths()
    decl = in_use_or_default(paths)
    if decl is None:
        return paths.territory.upper(), [], "00000"
    shorts = [str(e.get("nom_court") or e.get("siren")) for e in decl.epcis]
    commune = "00000"
    try:
        table = pd.read_csv(decl.tables["communes"][0], dtype=str, sep=None, engine="python", nrows=5)
        col = next(c for c in table.columns if c.lower() in ("code_insee", "insee", "code"))
        commune = str(table[col].dropna().iloc[0])
    except (KeyError, OSError, StopIteration, IndexError, ValueError):
        pass
    return decl.code, shorts, commune


def template_frame() -> pd.DataFrame:
    """An example of the template, two rows, to start from."""
    whole, epcis, commune = territory_examples()
    first, last = (epcis[0], epcis[-1]) if epcis else (whole, whole)
    return pd.DataFrame([
        [first, 2022, "residentiel", "gaz", "1 234,5", "GWh", "Observatoire Climat Hauts-de-France"],
        [commune, 2022, "transport_routier", "GES", "45 678", "tCO2e", "Atmo Hauts-de-France, inventaire A2022"],
        [last, 2022, "transport_routier", "NOx", "412,3", "t", "Atmo Hauts-de-France, inventaire A2022"],
    ], columns=TEMPLATE_COLUMNS)


def write_template(folder: str | Path) -> list[Path]:
    """Write the template as CSV (``;``, UTF-8) and XLSX with a README sheet."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    frame = template_frame()
    whole, epcis, _ = territory_examples()
    epcis = [e for e in epcis if e != whole]
    csv_path = folder / "inventaire_observatoire_modele.csv"
    frame.to_csv(csv_path, sep=";", index=False, encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = "inventaire"
    ws.append(TEMPLATE_COLUMNS)
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    ws.freeze_panes = "A2"
    for col, choices in (("C", sorted(set(SECTORS.values()))), ("D", sorted(set(CARRIERS.values()))),
                         ("F", list(UNITS))):
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=False)
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}5000")
    readme = wb.create_sheet("LISEZ-MOI")
    for line in (
        "Modèle d'inventaire pour l'atelier pma-eval (une ligne = une valeur).",
        "territoire : code INSEE de commune (5 caractères), SIREN d'EPCI (9 chiffres), "
        + (f"sigle ({', '.join(epcis)}) ou {whole}." if epcis else f"ou {whole} pour le territoire entier."),
        "annee : année de l'inventaire.",
        "secteur : un des secteurs réglementaires du PCAET (liste déroulante).",
        "energie_ou_gaz : vecteur énergétique de la consommation, GES pour les émissions de gaz à effet de serre, "
        "ou un polluant de l'air (NOx, PM10, PM2,5, COVNM, SO2, NH3) pour ses émissions.",
        "valeur : nombre (virgule décimale acceptée).",
        "unite : MWh, GWh ou kWh pour l'énergie ; tCO2e ou ktCO2e pour les GES ; t, kg ou kt pour les polluants.",
        "source : producteur et millésime de la donnée (obligatoire).",
    ):
        readme.append([line])
    xlsx_path = folder / "inventaire_observatoire_modele.xlsx"
    wb.save(xlsx_path)
    return [csv_path, xlsx_path]

"""ODRÉ — "registre national des installations de production et de stockage d'électricité".

Published as yearly snapshots "au 31/12/AAAA": a yearly series of installed capacity comes
from successive snapshots, not from commissioning dates. Column names are camelCase in the
CSV exports and lower-case in the API exports; decimal commas occur. ``puisMaxInstallee`` is
in kW and ``energieAnnuelleGlissanteInjectee`` in MWh over a rolling year. Installations under
36 kW come as one row per commune named "Agrégation des installations de moins de 36KW" with
``nbInstallations``; rows without a commune (regional aggregates, "Confidentiel") cannot be
placed and are counted apart.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._table import LINE, Parser, normalise_name, read_any

#: ODRÉ ``filiere`` → canonical technology, and whether it is renewable.
TECHNOLOGIES = {
    "solaire": ("solaire_pv", True),
    "eolien": ("eolien", True),
    "hydraulique": ("hydraulique", True),
    "bioenergies": ("bioenergies", True),
    "energiesmarines": ("energies_marines", True),
    "geothermie": ("geothermie", True),
    "thermiquenonrenouvelable": ("thermique_non_renouvelable", False),
    "stockagenonhydraulique": ("stockage", False),
    "nucleaire": ("nucleaire", False),
    "autre": ("autre", False),
}


def read_odre_registry(path: str | Path, snapshot_year: int, display: str | None = None) -> pd.DataFrame:
    """Read one yearly snapshot of the ODRÉ registry.

    Parameters
    ----------
    snapshot_year : int
        Year of the snapshot (the registry "au 31/12/AAAA").

    Returns
    -------
    DataFrame
        ``code_insee, year, technology, renewable, capacity_kw`` [kW], ``installations``
        [count], ``energy_mwh`` [MWh, rolling year; NaN when not given], ``small_aggregate``
        (True for the "< 36 kW" aggregated rows). Rows without a commune are dropped; their
        number and capacity are in ``DataFrame.attrs["unplaced"]``.
    """
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns(
        {"code_insee": ("codeINSEECommune",), "filiere": (), "puismaxinstallee": ("puisMaxInstallee",)},
        {"nbinstallations": ("nbInstallations",), "energie": ("energieAnnuelleGlissanteInjectee",),
         "technologie": (), "nom": ("nomInstallation",), "code_epci": ("codeEPCI",)},
    )
    code = p.code(cols["code_insee"], "insee", required=False)
    raw_f = p.df[cols["filiere"]].astype(str)
    tech = raw_f.map(lambda v: TECHNOLOGIES.get(normalise_name(v)))
    if tech.isna().any():
        p.problem("filière inconnue", tech.index[tech.isna()], cols["filiere"], raw_f)
    capacity = p.number(cols["puismaxinstallee"], required=True)
    count = (p.number(cols["nbinstallations"]) if "nbinstallations" in cols
             else pd.Series(1.0, index=p.df.index)).fillna(1.0)
    energy = p.number(cols["energie"]) if "energie" in cols else pd.Series(np.nan, index=p.df.index)
    name = p.df[cols["nom"]].astype(str) if "nom" in cols else pd.Series("", index=p.df.index)
    p.raise_if_any()
    out = pd.DataFrame({
        "code_insee": code, "year": int(snapshot_year),
        "technology": tech.map(lambda t: t[0]), "renewable": tech.map(lambda t: t[1]).astype(bool),
        "capacity_kw": capacity, "installations": count, "energy_mwh": energy,
        "small_aggregate": name.map(normalise_name).str.startswith("agregationdesinstallations"),
        "line": p.df[LINE],
    })
    placed = out["code_insee"].ne("")
    out.attrs["unplaced"] = {"rows": int((~placed).sum()),
                             "capacity_kw": float(out.loc[~placed, "capacity_kw"].sum())}
    return out.loc[placed].reset_index(drop=True)

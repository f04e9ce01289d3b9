"""The energy and emission model of the demonstration: a territory's inputs (:func:`inputs_of`) and the series
computed from them (:func:`generate`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..sources import read_communes, read_enedis_residential_epci, read_igt_citepa, read_population
from ..sources.inventory import canonical_unit
from ..vocabulary import ORE_SECTORS
from .ore import ORE_COLUMNS
from .parameters import (ANCHOR_YEAR, CLIMATE, EF, GAS_SOBRIETY, HEATING, NATIONAL_RATIOS_2016, OTHER_TRENDS, SECTOR_MIX,
                         SEED, SHOCKS, TRENDS, YEARS)
from .register import _registry


def _population_by_year(pop: pd.DataFrame) -> pd.DataFrame:
    wide = pop.pivot(index="code_insee", columns="millesime", values="population_municipale").astype(float)
    wide = wide.reindex(columns=YEARS).interpolate(axis=1, limit_area="inside").ffill(axis=1).bfill(axis=1)
    return wide


def _residential_mix(rng: np.random.Generator, pop2016: pd.Series) -> pd.DataFrame:
    urban = (pop2016 > 10000).astype(float)
    oil = np.clip(rng.normal(0.16 - 0.08 * urban, 0.03), 0.03, 0.3)
    wood = np.clip(rng.normal(0.13 - 0.06 * urban, 0.03), 0.03, 0.25)
    gas = 1.0 - oil - wood
    return pd.DataFrame({"gaz": gas, "produits_petroliers": oil, "bois_energie": wood}, index=pop2016.index)


@dataclass
class Inputs:
    """What the generator needs of one territory (:func:`inputs_of`)."""

    #: ``code_insee, nom, epci_siren, epci_sigle, epci_nom, code_departement, code_region``.
    communes: pd.DataFrame
    #: Legal populations (:func:`pma_eval.sources.read_population`).
    population: pd.DataFrame
    #: The 2016 anchor (:func:`pma_eval.sources.read_igt_citepa`) of the communes an observed inventory covers.
    igt: pd.DataFrame
    #: Enedis residential electricity by EPCI (2023), to calibrate on, or None.
    enedis: pd.DataFrame | None = None
    #: The declaration's ``demonstration:`` settings.
    settings: dict = field(default_factory=dict)
    #: Where the anchor comes from, for the caveats (« l'IGT 2016 », « l'IGT 2016 de la région »).
    anchor: str = "l'IGT 2016"
    #: Communes anchored on national ratios (outside every observed inventory shipped).
    national: list[str] = field(default_factory=list)
    #: (code, name) of each région and département met.
    regions: dict = field(default_factory=dict)
    departements: dict = field(default_factory=dict)


def _codes_of_table(path: Path) -> pd.DataFrame:
    """``code_insee`` with ``code_departement`` (and ``code_region`` when the table has it), as text."""
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    cols = [c for c in ("code_insee", "code_departement", "code_region") if c in t.columns]
    return t[cols]


def inputs_of(paths, decl=None) -> Inputs:
    """The :class:`Inputs` of a declared territory (default: the territory in use of ``paths``): its tables, the
    settings of its declaration, its anchor (the declaration's ``igt:`` file, else the rows of its communes in the
    region's observed inventory, else :data:`NATIONAL_RATIOS_2016`)."""
    from .. import declaration
    from ..assemble.discover import discover, scope_of

    decl = decl or declaration.load(paths)
    settings = dict(decl.demonstration)
    tables = {role: p for role, (p, _) in decl.tables.items()}
    communes = read_communes(tables["communes"])
    extra = _codes_of_table(tables["communes"])
    communes = communes.merge(extra, on="code_insee", how="left")
    region = decl.regions[0][0] if decl.regions else ""
    if "code_region" not in communes:
        communes["code_region"] = region
    population = read_population(tables["population"])
    anchor = "l'IGT 2016"
    if settings.get("igt"):
        igt = read_igt_citepa(paths.root / settings["igt"], year=ANCHOR_YEAR)
    else:
        anchor = "l'IGT 2016 de la région"
        codes = set(communes["code_insee"])
        region_files = [f for f in discover(paths.raw, paths.root, scope_of(paths))
                        if f.meta["format"] == "igt_citepa_region" and int((f.meta.get("options") or {}).get("year", 0))
                        == ANCHOR_YEAR]
        parts = [read_igt_citepa(f.path, year=ANCHOR_YEAR, display=f.display) for f in region_files]
        igt = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["code_insee", "year", "sector", "value"])
        igt = igt.loc[igt["code_insee"].isin(codes)]
    enedis = (read_enedis_residential_epci(paths.root / settings["enedis_residentiel_epci"])
              if settings.get("enedis_residentiel_epci") else None)
    national = sorted(set(communes["code_insee"]) - set(igt["code_insee"]))
    return Inputs(communes, population, igt, enedis, settings, anchor, national,
                  dict(decl.regions), {d: declaration.DEPARTEMENTS.get(d, d) for d in communes["code_departement"]})


def _pole_inputs(raw_dir: str | Path) -> Inputs:
    """The inputs of the default territory from a ``data/raw`` folder (its project root is two levels up)."""
    from ..config import DEFAULT_TERRITORY, get_paths

    from ..config import PACKAGE_DIR
    from ..declaration import in_use, load_file

    raw = Path(raw_dir).resolve()
    paths = get_paths(raw.parents[1], DEFAULT_TERRITORY)
    decl = in_use(paths)
    if decl is None:  # a copy of data/raw without declarations: this checkout's default one, over that copy
        decl = load_file(PACKAGE_DIR.parent / paths.declaration.relative_to(paths.root), paths)
    return inputs_of(paths, decl)


def generate(raw_dir: str | Path | None = None, seed: int = SEED, inputs: Inputs | None = None
             ) -> dict[str, pd.DataFrame]:
    """Compute the demonstration tables (no writing), for ``inputs`` (default: the default territory of the
    project whose ``data/raw`` is ``raw_dir``).

    Keys: ``ore`` and ``ore_epci`` (tidy: ``code, name, year, carrier, sector, value`` [MWh],
    ``pdl``, ``secret``), ``inventaire`` (template rows) and ``odre`` (registry rows, published
    field names and units).
    """
    inputs = inputs or _pole_inputs(raw_dir)
    rng = np.random.default_rng(seed)
    communes = inputs.communes
    pop = _population_by_year(inputs.population)
    igt = inputs.igt
    igt_w = igt.pivot(index="code_insee", columns="sector", values="value")
    codes = list(communes["code_insee"])
    pop = pop.loc[codes]
    if inputs.national:  # communes outside every observed inventory: national ratios per inhabitant
        ratios = pd.DataFrame({k: pop.loc[inputs.national, ANCHOR_YEAR] * v for k, v in NATIONAL_RATIOS_2016.items()})
        igt_w = pd.concat([igt_w, ratios]).sort_index()
    for sector in NATIONAL_RATIOS_2016:  # a sector no commune has in the inventory: none
        if sector not in igt_w.columns:
            igt_w[sector] = np.nan
    epci_of = communes.set_index("code_insee")["epci_siren"]

    # --- energy 2016 by commune, sector, carrier -------------------------------------------
    res_mix = _residential_mix(rng, pop[ANCHOR_YEAR])
    base = {}
    for sector, (share, mix) in SECTOR_MIX.items():
        emis = igt_w[sector] * share
        if sector == "residentiel":
            elec = pop[ANCHOR_YEAR] * 1.6  # MWh/inhabitant, rescaled on Enedis 2023 below
            ef = (res_mix * pd.Series({k: EF[k] for k in res_mix.columns})).sum(axis=1)
            fuels = ((emis - elec * EF["electricite"]).clip(lower=0) / ef)
            base[(sector, "electricite")] = elec
            for k in res_mix.columns:
                base[(sector, k)] = fuels * res_mix[k]
            continue
        ef_mix = sum(w * (EF["carburants"] if (sector == "transport_routier" and k == "produits_petroliers") else EF[k])
                     for k, w in mix.items())
        total = emis / ef_mix
        for k, w in mix.items():
            base[(sector, k)] = total * w

    # --- yearly indices -----------------------------------------------------------------------
    def index(sector: str, carrier: str, year: int) -> float:
        f = (1 + TRENDS[(sector, carrier)]) ** (year - ANCHOR_YEAR)
        if carrier != "electricite" and sector in HEATING:
            h = HEATING[sector]
            f *= (1 - h) + h * CLIMATE[year] / CLIMATE[ANCHOR_YEAR]
        f *= SHOCKS.get((year, sector), 1.0)
        if carrier == "gaz":
            f *= GAS_SOBRIETY.get(year, 1.0)
        return f

    rows = []
    for (sector, carrier), v2016 in base.items():
        noise = np.exp(rng.normal(0, 0.03, size=(len(codes), len(YEARS))))
        noise[:, YEARS.index(ANCHOR_YEAR)] = 1.0
        for j, year in enumerate(YEARS):
            val = v2016.to_numpy() * index(sector, carrier, year) * noise[:, j]
            rows.append(pd.DataFrame({"code_insee": codes, "year": year, "sector": sector, "carrier": carrier,
                                      "value": val}))
    energy = pd.concat(rows, ignore_index=True)
    # Residential electricity: exact Enedis 2023 total per EPCI, where the declaration gives the file.
    mask = (energy["sector"] == "residentiel") & (energy["carrier"] == "electricite")
    energy["epci"] = energy["code_insee"].map(epci_of)
    if inputs.enedis is not None:
        e23 = inputs.enedis.set_index("epci_siren")["value"]
        tot23 = energy[mask & (energy["year"] == 2023)].groupby("epci")["value"].sum()
        energy.loc[mask, "value"] *= energy.loc[mask, "epci"].map(e23 / tot23)

    # --- emissions: IGT 2016 × model index ------------------------------------------------------
    ef_series = energy.assign(co2=lambda d: d["value"] * d.apply(
        lambda r: EF["carburants"] if (r["sector"] == "transport_routier" and r["carrier"] == "produits_petroliers")
        else EF[r["carrier"]], axis=1))
    energy_emis = ef_series.groupby(["code_insee", "sector", "year"])["co2"].sum().unstack("year")
    emis_rows = []
    for sector in igt_w.columns:
        anchor = igt_w[sector]
        share = SECTOR_MIX.get(sector, (0.0, None))[0]
        for j, year in enumerate(YEARS):
            nonenergy = (1 + OTHER_TRENDS[sector]) ** (year - ANCHOR_YEAR)
            if share > 0:
                e = energy_emis.xs(sector, level="sector")
                ratio = (e[year] / e[ANCHOR_YEAR]).reindex(anchor.index).fillna(1.0)
                idx = share * ratio + (1 - share) * nonenergy
            else:
                idx = pd.Series(nonenergy, index=anchor.index)
            noise = 1.0 if year == ANCHOR_YEAR else np.exp(rng.normal(0, 0.01, size=len(anchor)))
            emis_rows.append(pd.DataFrame({"code_insee": anchor.index, "year": year, "sector": sector,
                                           "value": anchor.to_numpy() * idx.to_numpy() * noise}))
    emissions = pd.concat(emis_rows, ignore_index=True).dropna(subset=["value"])

    # --- ORE (electricity and gas, sectors R/T/I/A) ---------------------------------------------
    ore = energy[energy["carrier"].isin(["electricite", "gaz"]) & energy["sector"].isin(ORE_SECTORS)].copy()
    pop_long = pop.stack().rename("pop").reset_index().rename(columns={"level_1": "year", "millesime": "year"})
    ore = ore.merge(pop_long, on=["code_insee", "year"], how="left")
    per = {"residentiel": 2.2, "tertiaire": 25.0, "industrie_hors_energie": 400.0, "agriculture": 300.0}
    ore["pdl"] = np.maximum(1, np.round(ore["pop"] / ore["sector"].map(per)
                                        * np.where(ore["carrier"] == "gaz", 0.6, 1.0))).astype(int)
    ore["secret"] = ore["sector"].isin(["industrie_hors_energie", "agriculture"]) & (ore["pdl"] < 10)
    names = communes.set_index("code_insee")["nom"]
    ore_c = ore.assign(code=ore["code_insee"], name=ore["code_insee"].map(names))[ORE_COLUMNS]
    ore_c = ore_c.sort_values(["year", "code", "carrier", "sector"]).reset_index(drop=True)

    # EPCI file, as Agence ORE publishes it: no secrecy at that size.
    ore["epci"] = ore["code_insee"].map(epci_of)
    ore_e = ore.groupby(["epci", "year", "carrier", "sector"], as_index=False).agg(value=("value", "sum"),
                                                                                  pdl=("pdl", "sum"))
    epci_names = communes.drop_duplicates("epci_siren").set_index("epci_siren")["epci_nom"]
    ore_e = ore_e.assign(code=ore_e["epci"], name=ore_e["epci"].map(epci_names), secret=False)[ORE_COLUMNS]
    ore_e = ore_e.sort_values(["year", "code", "carrier", "sector"]).reset_index(drop=True)

    # --- inventory template: other carriers, and emissions ------------------------------------
    # Communes whose anchor is empty in the IGT (e.g. Béthune road transport) get no series.
    energy = energy.dropna(subset=["value"])
    others = energy[~(energy["carrier"].isin(["electricite", "gaz"]) & energy["sector"].isin(ORE_SECTORS))]
    inv_energy = pd.DataFrame({"territoire": others["code_insee"], "annee": others["year"], "secteur": others["sector"],
                               "energie_ou_gaz": others["carrier"], "valeur": others["value"].round(3),
                               "unite": "MWh", "source": "démonstration pma-eval (fictif)"})
    inv_emis = emissions[~emissions["sector"].isin(["co2_biomasse_hors_total", "transport_international"])]
    inv_ges = pd.DataFrame({"territoire": inv_emis["code_insee"], "annee": inv_emis["year"], "secteur": inv_emis["sector"],
                            "energie_ou_gaz": "GES", "valeur": inv_emis["value"].round(3), "unite": canonical_unit("ges"),
                            "source": "démonstration pma-eval (fictif, calé sur l'IGT 2016)"})
    inventaire = (pd.concat([inv_energy, inv_ges], ignore_index=True)
                  .sort_values(["annee", "territoire", "energie_ou_gaz", "secteur"]).reset_index(drop=True))

    # --- ODRÉ registry snapshots ------------------------------------------------------------------
    odre = _registry(rng, communes, pop, inputs.settings)
    return {"ore": ore_c, "ore_epci": ore_e, "inventaire": inventaire, "odre": odre}

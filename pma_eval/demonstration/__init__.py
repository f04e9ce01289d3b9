"""Seeded generator of *demonstration* series where real data is missing, for any declared territory.

The shipped open data has no multi-year energy consumption by sector and carrier, no
renewable production, and greenhouse-gas emissions for one year only. This module writes
plausible yearly series 2012–2023 by commune **in the published formats** (Agence ORE for
electricity and gas, the observatory template for the other carriers and for emissions, ODRÉ
registry snapshots for renewable electricity), so that the same readers serve demonstration
and real files, and a real file for the same source and years replaces them automatically
(see :func:`pma_eval.assemble.apply_precedence`).

Real anchors
------------
- CITEPA IGT emissions by commune and sector, taken as 2016 (the demonstration emissions of
  2016 are exactly the IGT values, so the real file and the series join without a step);
- Enedis 2023 residential electricity by EPCI, where the declaration names the file (the demonstration series
  of each EPCI matches it exactly in 2023);
- INSEE legal populations 2012–2023 (2015 interpolated).

Assumptions (written down, all in :data:`ASSUMPTIONS`)
------------------------------------------------------
- Energy of a sector in 2016 = energy-related share of its IGT emissions divided by the
  emission factor of an assumed carrier mix (ADEME Base Empreinte orders of magnitude:
  natural gas 0.227, heating oil 0.324, road fuels 0.265, wood 0.030, electricity 0.060 t CO2e/MWh).
- Yearly change by sector and carrier (e.g. residential heating oil −6 %/yr), a heating
  climate factor common to all communes (warm years 2014, 2020, 2022, 2023), the 2020
  lockdown (road −12 %, tertiary −5 %, industry −6 %) and 2022–2023 gas sobriety (−10 %).
- Commune noise: log-normal, σ = 3 % a year; statistical secrecy on industry and agriculture
  cells with fewer than 10 delivery points (value left empty, as Agence ORE does).
- Renewable electricity: rooftop PV under 36 kW growing from 0.012 to 0.085 kW per
  inhabitant (2012→2023, commune factor log-normal σ = 0.4), and, for 150 communes (the numbers scale with the
  territory's, :data:`PLANTS_PER_150`), 15 larger rooftops, three ground-mounted PV plants on former mining land,
  six wind farms in rural communes (of the EPCIs its declaration names, else any) and two biogas units; yields
  950 kWh/kW (PV), 23 % (wind), 70 % (biogas) load factors.

Any territory (issue 27)
-----------------------
:func:`inputs_of` gathers what the generator needs for a declared territory: its communes, EPCIs and populations
(its declaration's tables), its 2016 anchor — the rows of its communes in the region's observed inventory (the
CITEPA IGT of the Hauts-de-France is shipped), else stated national ratios per inhabitant
(:data:`NATIONAL_RATIOS_2016`) — and the settings its declaration gives under ``demonstration:`` (the Pôle's wind
farms, wood boilers, ALDO values, Enedis calibration file). Without settings, the defaults below apply and are
written in each file's caveats. ``pma-eval data demo --territoire ID`` writes the files into
``data/raw/territoire/<id>/demonstration/``.

Every file is written with ``nature: demonstration`` in its ``.meta.yml``. The generator is
run by developers (``make demo-data``) or by ``pma-eval data demo``; the build never writes in ``data/raw``.

Modules by theme: :mod:`.parameters` (assumptions), :mod:`.model` (inputs, energy and emissions), :mod:`.ore`,
:mod:`.register` (ODRÉ), :mod:`.air`, :mod:`.heat`, :mod:`.sequestration`, :mod:`.weather`, :mod:`.prices`; this
module writes the files (:func:`write`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from ..checksum import sha256
from .air import *  # noqa: F401,F403
from .air import AIR_ASSUMPTIONS, AIR_FIRST_YEAR, air_inventory
from .heat import *  # noqa: F401,F403
from .heat import HEAT_ASSUMPTIONS, heat_production
from .model import *  # noqa: F401,F403
from .model import Inputs, _pole_inputs, _population_by_year, generate, inputs_of  # noqa: F401
from .ore import *  # noqa: F401,F403
from .ore import LAST_WIDE_YEAR, ore_long, ore_places, ore_wide
from .parameters import *  # noqa: F401,F403
from .parameters import ANCHOR_YEAR, ASSUMPTIONS, NATIONAL_RATIOS_NOTE, NO_ENEDIS, SEED, YEARS
from .prices import *  # noqa: F401,F403
from .prices import PRICE_ASSUMPTIONS, energy_prices
from .register import *  # noqa: F401,F403
from .register import _kwh, _registry  # noqa: F401
from .sequestration import *  # noqa: F401,F403
from .sequestration import ALDO_ASSUMPTIONS, ALDO_GENERIC_NOTE, aldo_outputs, aldo_values
from .weather import *  # noqa: F401,F403
from .weather import DJU_ASSUMPTIONS, DJU_NORMAL, DJU_YEARS, WEATHER_ASSUMPTIONS, degree_days, thermosensitive_shares


def assumptions(inputs: Inputs) -> list[str]:
    """The caveats of the energy and emission files of ``inputs`` (:data:`ASSUMPTIONS`, adapted to its anchor)."""
    out = list(ASSUMPTIONS)
    if inputs.anchor != "l'IGT 2016":
        out[1] = out[1].replace("IGT du CITEPA (réel)", "IGT du CITEPA (réel : lignes de ses communes dans "
                                "l'inventaire de la région)")
    if inputs.enedis is None:
        out[3] = NO_ENEDIS
    if inputs.national:
        out.insert(2, NATIONAL_RATIOS_NOTE + f" Communes concernées : {', '.join(inputs.national)}.")
    return out


def origin_of(inputs: Inputs) -> str:
    return (f"pma_eval/demonstration.py, calé sur {inputs.anchor} (CITEPA)"
            + (", Enedis 2023" if inputs.enedis is not None else "") + " et les populations INSEE")


def _meta(path: Path, title: str, fmt: str, years: str, options: dict | None = None,
          caveats: list[str] | None = None, origin: str | None = None) -> None:
    meta = {
        "title": title, "producer": "pma-eval (générateur de démonstration)",
        "origin": origin,
        "licence": "Licence Ouverte (données fictives)", "years": years, "nature": "demonstration", "format": fmt,
    }
    if options:
        meta["options"] = options
    meta["sha256"] = sha256(path)
    meta["caveats"] = caveats or ASSUMPTIONS
    meta["seed"] = SEED
    path.with_name(path.name + ".meta.yml").write_text(
        yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")


def write(raw_dir: str | Path | None, out_dir: str | Path, seed: int = SEED, inputs: Inputs | None = None
          ) -> list[Path]:
    """Generate and write the demonstration files (with their ``.meta.yml``) into ``out_dir``,
    each in the layout its producer publishes (ORE wide until 2021 and long after, ODRÉ in
    lower case with energy in kWh), for ``inputs`` (default: the default territory of ``raw_dir``'s project)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    inputs = inputs or _pole_inputs(raw_dir)
    tables = generate(seed=seed, inputs=inputs)
    written = []
    places = ore_places(inputs)
    caveats_default, origin_default = assumptions(inputs), origin_of(inputs)

    def csv(df: pd.DataFrame, name: str, title: str, fmt: str, years: str, options: dict | None = None,
            caveats: list[str] | None = None, origin: str | None = None) -> None:
        p = out / name
        df.to_csv(p, sep=";", index=False, encoding="utf-8", lineterminator="\n")
        _meta(p, title, fmt, years, options, caveats or caveats_default, origin or origin_default)
        written.append(p)

    for key, level, label in (("ore", "commune", "communes"), ("ore_epci", "epci", "epci")):
        df = tables[key]
        wide, long = df[df["year"] <= LAST_WIDE_YEAR], df[df["year"] > LAST_WIDE_YEAR]
        what = "commune" if level == "commune" else "EPCI"
        y0, y1 = int(df["year"].min()), int(df["year"].max())
        csv(ore_wide(wide, level, places), f"ore_conso_elec_gaz_{label}_{y0}_{LAST_WIDE_YEAR}_demo.csv",
            f"DÉMONSTRATION — consommations d'électricité et de gaz par {what} et secteur "
            f"(format Agence ORE 2011–2021)", "ore_conso", f"{y0}-{LAST_WIDE_YEAR}")
        csv(ore_long(long, level, places), f"ore_conso_elec_gaz_{label}_{LAST_WIDE_YEAR + 1}_{y1}_demo.csv",
            f"DÉMONSTRATION — consommations d'électricité et de gaz par {what} et secteur "
            f"(format Agence ORE 2022 et après)", "ore_conso", f"{LAST_WIDE_YEAR + 1}-{y1}")
    csv(tables["inventaire"], "inventaire_energie_ges_communes_2012_2023_demo.csv",
        "DÉMONSTRATION — autres énergies et émissions de GES par commune et secteur (modèle d'inventaire)",
        "inventaire", "2012-2023")
    communes = inputs.communes
    epci_of = communes.set_index("code_insee")["epci_siren"]
    population = _population_by_year(inputs.population).loc[list(communes["code_insee"])]
    csv(air_inventory(tables["inventaire"], epci_of),
        f"inventaire_polluants_air_epci_{AIR_FIRST_YEAR}_2023_demo.csv",
        "DÉMONSTRATION — émissions des six polluants de l'air par EPCI et secteur (modèle d'inventaire)",
        "inventaire", f"{AIR_FIRST_YEAR}-2023", caveats=AIR_ASSUMPTIONS)
    settings = inputs.settings
    heat_caveats = (list(settings["hypotheses_chaleur"]) + HEAT_ASSUMPTIONS[len(settings["hypotheses_chaleur"]):]
                    if settings.get("hypotheses_chaleur") else HEAT_ASSUMPTIONS)
    csv(heat_production(tables["inventaire"], tables["ore_epci"], epci_of, population, settings),
        "production_enr_chaleur_gaz_epci_2012_2023_demo.csv",
        "DÉMONSTRATION — production de chaleur et de gaz renouvelables par EPCI et filière (modèle de production)",
        "production_enr_chaleur_gaz", "2012-2023", caveats=heat_caveats)
    csv(energy_prices(), "prix_energie_2022_2023_demo.csv",
        "DÉMONSTRATION — prix moyens de l'énergie par énergie et secteur", "prix_energie",
        "2022-2023", caveats=PRICE_ASSUMPTIONS, origin="pma_eval/demonstration.py (PRICES) : ordres de grandeur écrits à la main")
    epci_population = population[ANCHOR_YEAR].groupby(epci_of).sum()
    csv(aldo_outputs(aldo_values(settings, epci_population)), "aldo_sequestration_epci_2018_demo.csv",
        "DÉMONSTRATION — stocks et flux de carbone des sols, forêts et produits bois par EPCI (modèle ALDO)",
        "sequestration_aldo", "2018",
        caveats=ALDO_ASSUMPTIONS if settings.get("aldo") else [ALDO_ASSUMPTIONS[0], ALDO_GENERIC_NOTE, *ALDO_ASSUMPTIONS[1:]],
        origin=settings.get("origine_aldo") or "pma_eval/demonstration.py (ALDO_PER_HAB) : ratios par habitant de "
                                               "démonstration ; aucune sortie ALDO n'est livrée")
    dju_years = str(DJU_YEARS[0]) if len(DJU_YEARS) == 1 else f"{DJU_YEARS[0]}-{DJU_YEARS[-1]}"
    csv(degree_days(), f"dju_station_demo_{dju_years.replace('-', '_')}_demo.csv",
        "DÉMONSTRATION — degrés-jours unifiés de chauffage annuels (base 18 °C)", "dju_annuels", dju_years, {"reference_dju": DJU_NORMAL}, caveats=DJU_ASSUMPTIONS,
        origin="pma_eval/demonstration.py : normale de démonstration × indice de besoin de chauffage du générateur")
    csv(thermosensitive_shares(tables["inventaire"], tables["ore"]), "parts_thermosensibles_demo.csv",
        "DÉMONSTRATION — parts thermosensibles de la consommation par secteur et énergie", "parts_thermosensibles",
        f"{YEARS[0]}-{YEARS[-1]}", caveats=WEATHER_ASSUMPTIONS)
    for year, snap in tables["odre"].groupby("annee_snapshot"):
        csv(snap.drop(columns="annee_snapshot"), f"odre_registre_au_3112{year}_demo.csv",
            f"DÉMONSTRATION — registre des installations de production d'électricité au 31/12/{year} (format ODRÉ)",
            "odre_registre", str(year), {"snapshot_year": int(year)})
    return written

"""Every raw format the workbench reads, declared once: its reader, the options its metadata must give, and how
a file of it speaks for the territory.

A format is the ``format:`` of a raw file's ``.meta.yml``. The published layouts that ``pma-eval data add``
recognises from a header (:mod:`.layouts`) each name one of these formats. The build (``assemble.discover``,
``assemble.pipeline``) and ``data add`` (:mod:`pma_eval.acquire`) read raw files through :func:`read_raw` and ask
this registry what a format is; none of them keeps its own list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from ..errors import ConfigurationError, InputDataError, Problem


@dataclass
class RawFile:
    """A raw file and its metadata (``.meta.yml``), with the path shown in messages."""

    path: Path
    meta: dict
    display: str

    @property
    def nature(self) -> str:
        return self.meta.get("nature", "observed")

    @property
    def label(self) -> str:
        return f"{self.meta.get('title', self.path.name)} ({self.path.name})"


#: What a file of a format speaks for: ``rows`` — the communes, years and energies it has rows for (absence is
#: unknown); ``area`` — the whole area it was downloaded for (absence is none), which its ``etendue:`` says
#: (:data:`pma_eval.sources.layouts.EXTENTS`); ``reference`` — no commune of the territory (references,
#: comparison levels, the territory's own tables).
EXTENT_RULES = ("rows", "area", "reference")


@dataclass(frozen=True)
class Format:
    """How the workbench reads one raw format."""

    #: ``read(file, options, communes, territory)`` → the reader's table.
    read: Callable
    #: Options its metadata must give (``options:`` of the ``.meta.yml``).
    options: tuple[str, ...] = ()
    extent: str = "rows"
    #: May hold rows outside the territory (a national or departmental download): they are left out and counted.
    wide: bool = False
    #: Kept and edited by hand in place (targets, templates): a checksum that no longer matches is a warning;
    #: any other raw file is a producer's, kept as published, and a changed one stops the build.
    hand_kept: bool = False
    #: Pattern of the producer's published file name whose first group is the year the file was published (the
    #: ODRÉ biomethane register's download date « _2023-05-29 »), when its names carry it. Not an ODRÉ snapshot's
    #: « -311222 »: a snapshot at 31/12/2022 is published in 2022 or later, which bounds no observed year.
    published: str | None = None


def publication_year_from_name(fmt: str, name: str) -> int | None:
    """Year of publication written in a published file name of format ``fmt`` (:attr:`Format.published`)."""
    pattern = formats()[fmt].published if fmt in formats() else None
    m = re.search(pattern, Path(name).name) if pattern else None
    return int(m.group(1)) if m else None


def _formats() -> dict[str, Format]:
    from . import (read_communes, read_enedis_residential_epci, read_epci, read_igt_citepa, read_inventory,
                   read_odre_registry, read_ore_consumption, read_population, read_region_communes, read_targets)
    from ._table import normalise_name
    from .geo import read_commune_shapes
    from .heat import read_biomethane_register, read_heat_production
    from .heat_networks import read_heat_networks
    from .levels import (read_enedis_consumption_departement, read_enedis_production_departement,
                         read_odre_capacity_region, read_odre_gross_consumption, read_odre_renewables_region)
    from .prices import read_prices
    from .prospective import read_ademe_parameters_table, read_sgpe_levers, read_tet_trajectory, read_unit_costs
    from .sequestration import read_aldo
    from .weather import (read_climate_severity_index, read_daily_temperature, read_degree_days,
                          read_thermosensitive_shares)

    def plain(reader, extent: str = "reference", **kw) -> Format:
        return Format(lambda f, o, c, t: reader(f.path, f.display), extent=extent, **kw)

    def names(t) -> dict | None:
        return None if t is None else {normalise_name(n): c for c, n in zip(t.communes["code_insee"], t.communes["nom"])}

    return {
        "communes": plain(read_communes),
        "epci": plain(read_epci),
        "population": plain(read_population, "rows"),
        "igt_citepa": Format(lambda f, o, c, t: read_igt_citepa(f.path, year=int(o["year"]), display=f.display),
                             options=("year",)),
        # the region's inventory and communes, for comparisons only (never summed into the territory)
        "igt_citepa_region": Format(lambda f, o, c, t: read_igt_citepa(f.path, year=int(o["year"]), display=f.display),
                                    options=("year",), extent="reference"),
        "communes_region": plain(read_region_communes),
        "ore_conso": Format(lambda f, o, c, t: read_ore_consumption(f.path, f.display, c), wide=True),
        "odre_registre": Format(lambda f, o, c, t: read_odre_registry(f.path, int(o["snapshot_year"]), f.display, c),
                                options=("snapshot_year",), extent="area", wide=True),
        "enedis_residentiel_epci": plain(read_enedis_residential_epci, "rows"),
        "inventaire": plain(read_inventory, "rows", hand_kept=True),
        "objectifs": plain(read_targets, hand_kept=True),
        "tet_trajectoire": plain(read_tet_trajectory),
        "ademe_parametres": plain(read_ademe_parameters_table),
        "sgpe_leviers": plain(read_sgpe_levers),
        "couts_unitaires": plain(read_unit_costs),
        "sequestration_aldo": plain(read_aldo, "rows", hand_kept=True),
        "production_enr_chaleur_gaz": plain(read_heat_production, "rows", hand_kept=True),
        "dju_annuels": plain(read_degree_days),
        "temperature_quotidienne": plain(read_daily_temperature),
        # national monthly index, for the years before the daily temperatures (never a commune's value)
        "sdes_indice_rigueur": plain(read_climate_severity_index),
        "parts_thermosensibles": plain(read_thermosensitive_shares),
        "prix_energie": plain(read_prices),
        # the register lists every site of France: a commune without a site has none
        "odre_biomethane": Format(lambda f, o, c, t: read_biomethane_register(f.path, f.display, names(t)), wide=True,
                                  published=r"(?<!\d)(\d{4})-\d{2}-\d{2}(?!\d)"),
        # (its release label « .2023-09 » is not a publication date: release 2023-09 holds 2023's deliveries)
        "sdes_iris_chaleur": Format(lambda f, o, c, t: read_heat_networks(f.path, f.display, c), wide=True),
        # comparison levels for energy and renewables (département, region, France), never summed into the territory
        "enedis_conso_departement": plain(read_enedis_consumption_departement),
        "enedis_prod_departement": plain(read_enedis_production_departement),
        "odre_enr_region": plain(read_odre_renewables_region),
        "odre_parc_region": plain(read_odre_capacity_region),
        "odre_conso_brute": plain(read_odre_gross_consumption),
        "contours_communes": Format(lambda f, o, c, t: pd.DataFrame(
            {"code_insee": sorted(read_commune_shapes(f.path, f.display))}), extent="reference"),
    }


_FORMATS: dict[str, Format] | None = None


def formats() -> dict[str, Format]:
    """The registry (built at first use: the readers import pandas-heavy modules)."""
    global _FORMATS
    if _FORMATS is None:
        _FORMATS = _formats()
    return _FORMATS


#: The activity registers (``activite_*``) are read together by the build (their ids are checked across files).
ACTIVITY_PREFIX = "activite_"


def replaced_names(meta: dict) -> list[str]:
    """The file names a ``.meta.yml`` says its file replaces (``replaces:``, one name or a list)."""
    names = meta.get("replaces") or []
    return [str(n) for n in ([names] if isinstance(names, str) else names)]


def hand_kept(fmt: str) -> bool:
    """A table a user keeps by hand (targets, templates, activity registers)."""
    return fmt.startswith(ACTIVITY_PREFIX) or (fmt in formats() and formats()[fmt].hand_kept)


def wide(fmt: str) -> bool:
    """A format whose files may hold rows outside the territory (left out and counted)."""
    return fmt in formats() and formats()[fmt].wide


def read_raw(f: RawFile, territory=None) -> pd.DataFrame:
    """Read a raw file with the reader of its format (the territory's communes filter the wide ones)."""
    fmt, opts = f.meta["format"], f.meta.get("options") or {}
    if fmt.startswith(ACTIVITY_PREFIX):
        return pd.DataFrame()  # read together by the build's activity step
    known = formats()
    if fmt not in known:
        raise InputDataError([Problem(f.display + ".meta.yml", f"format inconnu (formats connus : {', '.join(known)})",
                                      column="format", value=fmt)])
    missing = [o for o in known[fmt].options if o not in opts]
    if missing:
        raise InputDataError([Problem(f.display + ".meta.yml", "option obligatoire absente", column="options",
                                      value=", ".join(missing))])
    communes = None if territory is None else set(territory.communes["code_insee"])
    return known[fmt].read(f, opts, communes, territory)


def resolve_territories(f: RawFile, df: pd.DataFrame, territory, problems: list[Problem],
                        levels: tuple[str, ...]) -> pd.DataFrame:
    """``geo_level``/``geo_code`` of a template's ``territoire`` column; an unknown territory or one of
    another level than ``levels`` is a located problem."""
    resolved = {}
    for terr in df["territoire"].unique():
        try:
            resolved[terr] = territory.resolve(terr)
        except ConfigurationError:
            resolved[terr] = (None, terr)
    df = df.assign(geo_level=df["territoire"].map(lambda t: resolved[t][0]),
                   geo_code=df["territoire"].map(lambda t: resolved[t][1]))
    bad = ~df["geo_level"].isin(levels)
    for _, row in df.loc[bad].head(50).iterrows():
        problems.append(Problem(f.display, f"territoire inconnu {territory.whole.name_of}" if row["geo_level"] is None else
                                "niveau non admis ici (" + ", ".join(levels) + ")", line=int(row["line"]),
                                column="territoire", value=row["territoire"]))
    return df.loc[~bad]

"""What a report on one territory and one year needs, loaded once through :mod:`pma_eval.processed`.

Values are read with their nature (:func:`value`), shown in their display unit
(:func:`display`, from ``vocabulary.yml``); the source line of a table or figure is derived
from the metadata of the raw files actually read (:func:`source_line`), never typed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .. import fmt
from ..config import Paths, get_paths
from ..errors import ConfigurationError
from ..evaluation import evaluate_targets
from ..evaluation.targets import CLIMATE_CORRECTED
from ..indicators import Catalogue, load_catalogue
from ..processed import available_years, load, load_territory, manifest
from ..declaration import in_use_or_default, programme_forms
from ..territory import Territory
from ..vocabulary import UNITS, members_noun

DEMO_BANNER = ("Données de démonstration : une partie des séries de ce document est fictive (générée et calée sur "
               "des données réelles) faute de données publiques disponibles. Ces valeurs sont signalées "
               "« démo » ou « données de démonstration » et ne doivent pas être citées comme des observations.")
NATURE_SHORT = {"observed": "observée", "estimated": "estimée", "demonstration": "démo", "secret": "secret"}


@dataclass
class ReportContext:
    """Everything a report needs, loaded once (read-only: nothing is collected on it)."""

    year: int
    geo_level: str
    geo_code: str
    name: str
    sigle: str
    territory: Territory
    indicators: pd.DataFrame
    targets: pd.DataFrame
    manifest: dict
    catalogue: Catalogue
    paths: Paths
    coverage: pd.DataFrame | None = None
    verdicts: pd.DataFrame | None = None
    activity: dict[str, pd.DataFrame] | None = None  # registers of the networks and actions, when given
    energy: pd.DataFrame | None = None  # energy by sector and carrier of the territory (EPCI and Pôle rows)
    energy_corrected: pd.DataFrame | None = None  # the same at normal climate, when degree-days are given
    comparisons: pd.DataFrame | None = None  # the region's inventory by territory (pma_eval.comparisons)
    levels: pd.DataFrame | None = None  # energy and renewables of the département, the region and France
    air: pd.DataFrame | None = None  # air pollutants by sector of the territory (its own rows), when given

    @property
    def first_year(self) -> int:
        """First year of the greenhouse-gas series, the span of the report (air pollutants may start
        earlier, at the reference year of their targets)."""
        v = self.indicators
        ges = v.loc[v["indicator_id"] == "ges_total", "year"]
        return int((ges if len(ges) else v["year"]).min())

    @property
    def of_name(self) -> str:
        """« du Pôle métropolitain de l'Artois », « de la CALL »."""
        return self.territory.name_after_de(self.geo_level, self.geo_code)

    @property
    def declaration(self):
        """The declaration of the report's territory (:class:`pma_eval.declaration.Declared`), or None."""
        if "_declaration" not in self.__dict__:
            self.__dict__["_declaration"] = in_use_or_default(self.paths)
        return self.__dict__["_declaration"]

    @property
    def programme(self) -> str:
        """The name of the territory's programme (the declaration's optional ``programme:``), or ''."""
        return self.declaration.programme if self.declaration is not None else ""


def load_context(year: int, territoire: str | None = None, paths: Paths | None = None) -> ReportContext:
    """Load the processed tables for the annual report of ``territoire`` (the whole territory, by its code, the
    default, or one of its EPCIs) in ``year``."""
    paths = paths or get_paths()
    territory = load_territory(paths)
    level, code = territory.resolve(territoire or territory.code, ("pma", "epci"))
    years = available_years(paths)
    if int(year) not in years:
        raise ConfigurationError(f"année {year} absente des données (années disponibles : {years[0]} à {years[-1]})")
    ind = load("indicators", paths)
    ind = ind.loc[ind["year"] <= int(year)]
    try:
        targets = load("targets", paths)
    except ConfigurationError:
        targets = pd.DataFrame()
    try:
        cov = load("coverage", paths)
    except ConfigurationError:
        cov = None
    ctx = ReportContext(int(year), level, code, territory.name(level, code),
                        territory.code if level == "pma" else territory.name(level, code), territory, ind, targets,
                        manifest(paths), load_catalogue(), paths, coverage=cov)
    ctx.verdicts = _verdicts(ctx)
    ctx.activity = _activity(paths)
    try:
        en = load("energy", paths)
        ctx.energy = en.loc[(en["geo_level"] != "commune") & (en["year"] <= int(year))]
    except ConfigurationError:
        ctx.energy = None
    try:
        ec = load("energy_corrected", paths)
        ctx.energy_corrected = ec.loc[(ec["geo_level"] != "commune") & (ec["year"] <= int(year))]
    except ConfigurationError:
        ctx.energy_corrected = None
    try:
        ctx.comparisons = load("comparisons_ges", paths)
    except ConfigurationError:
        ctx.comparisons = None
    try:
        ctx.levels = load("comparisons_energy", paths)
    except ConfigurationError:
        ctx.levels = None
    try:
        air = load("air", paths)
        ctx.air = air.loc[(air["geo_level"] == level) & (air["geo_code"] == code) & (air["year"] <= int(year))]
    except ConfigurationError:
        ctx.air = None
    return ctx


def epci_kinds(decl) -> dict[str, dict]:
    """SIREN → the designation of each EPCI of the declaration (``libelle``, ``sujet``, ``de``…), from its
    ``nature:``; {} without a declaration."""
    return {str(e.get("siren")): dict(e.get("nature") or {}) for e in (decl.epcis if decl is not None else ())}


def cover_line(whole, decl) -> str:
    """« Pôle métropolitain de l'Artois — la Turbine de l'écotransition »: the name of the whole territory
    (:class:`pma_eval.declaration.Whole`) and of its programme (declaration ``decl``), for a cover."""
    programme = programme_forms(decl.programme if decl is not None else "", whole.of)[0]
    return whole.name + (f" — {programme}" if programme else "")


def names(ctx: ReportContext) -> dict[str, object]:
    """How the texts of the report name the whole territory, its EPCIs and its programme, from its declaration:
    ``nom_ensemble`` (« Pôle métropolitain de l'Artois »), ``sujet_ensemble`` (« le Pôle »), ``de_ensemble``
    (« du Pôle »), ``epcis`` (their number), ``membres_nom`` (« agglomérations », else « intercommunalités »),
    ``de_epci`` (« de l'agglomération » for an EPCI's report, else ''), ``programme`` (« la Turbine de
    l'écotransition », '' without one), ``de_programme`` (« de la Turbine… », else « de la stratégie du Pôle »),
    ``registres`` (whether the activity registers are given)."""
    whole = ctx.territory.whole
    kinds = epci_kinds(ctx.declaration)
    plural = members_noun(kinds.values())
    programme, of_programme = programme_forms(ctx.programme, whole.of)
    return {"nom_ensemble": whole.name, "sujet_ensemble": whole.subject or "le territoire",
            "de_ensemble": whole.of or "du territoire", "epcis": len(ctx.territory.epcis), "membres_nom": plural,
            "de_epci": str(kinds.get(ctx.geo_code, {}).get("de") or "de l'intercommunalité") if ctx.geo_level == "epci"
            else "", "programme": programme, "de_programme": of_programme, "registres": bool(ctx.activity)}


ACTIVITY_TABLES = ("events", "participations", "strategy", "actions", "projects")


def _activity(paths: Paths) -> dict[str, pd.DataFrame] | None:
    try:
        return {t: load(f"activity_{t}", paths) for t in ACTIVITY_TABLES}
    except ConfigurationError:
        return None


# --- values --------------------------------------------------------------------------------------

def _positions(ctx: ReportContext) -> tuple:
    """``(table, positions, rows, columns)`` of the context's indicator table, found once per table: the positions
    of each (indicator, level, code), the rows by year already made (:func:`_rows`) and the year, value and nature
    columns as arrays (:func:`value`, made when first asked for). Made again when ``ctx.indicators`` is another
    table."""
    v = ctx.indicators
    cached = ctx.__dict__.get("_row_positions")
    if cached is None or cached[0] is not v:
        cached = (v, v.reset_index(drop=True).groupby(["indicator_id", "geo_level", "geo_code"], sort=False).indices,
                  {}, {})
        ctx.__dict__["_row_positions"] = cached
    return cached


def _rows(ctx: ReportContext, iid: str, level: str | None, code: str | None) -> pd.DataFrame:
    """The rows of one indicator and territory, by year. The positions of every (indicator, level, code) are
    found once per context: a report asks for some 400 series, a synthesis for 800, and a scan of the whole
    table for each was a tenth of a report's time. Each series is indexed by year once too (a report asks for the
    same one several times: a value, its nature, the year before) and a copy of it returned (issue 24)."""
    v = ctx.indicators
    cached = _positions(ctx)
    key = (iid, level or ctx.geo_level, code or ctx.geo_code)
    rows = cached[2].get(key)
    if rows is None:
        pos = cached[1].get(key)
        rows = cached[2][key] = (v.iloc[0:0] if pos is None else v.iloc[pos]).set_index("year").sort_index()
    return rows.copy()


def series(ctx: ReportContext, iid: str, level: str | None = None, code: str | None = None) -> pd.Series:
    return _rows(ctx, iid, level, code)["value"]


def natures(ctx: ReportContext, iid: str, level: str | None = None, code: str | None = None) -> pd.Series:
    return _rows(ctx, iid, level, code)["nature"]


def value(ctx: ReportContext, iid: str, year: int | None = None, level: str | None = None,
          code: str | None = None) -> tuple[float, str]:
    """``(value, nature)`` of an indicator; ``(nan, "secret")`` when the year is absent.

    Read from the table's columns at the series' positions (:func:`_positions`), without making its rows by year
    (a synthesis asks for 450 values of its communes, each of another series: their rows were made for one value,
    a twentieth of its CPU, issue 24); a series with the year twice is read from its rows, as before."""
    y = year or ctx.year
    cached = _positions(ctx)
    pos = cached[1].get((iid, level or ctx.geo_level, code or ctx.geo_code))
    if pos is None:
        return math.nan, "secret"
    columns = cached[3]
    if not columns:
        v = cached[0]
        columns.update(year=v["year"].to_numpy(), value=v["value"].to_numpy(), nature=v["nature"].to_numpy())
    found = pos[columns["year"][pos] == y]
    if not len(found):
        return math.nan, "secret"
    if len(found) == 1:
        return float(columns["value"][found[0]]), str(columns["nature"][found[0]])
    rows = _rows(ctx, iid, level, code)
    if y not in rows.index:
        return math.nan, "secret"
    return float(rows.at[y, "value"]), str(rows.at[y, "nature"])


def display(iid_or_unit: str, v: float, ctx: ReportContext | None = None, with_unit: bool = True,
            signed: bool = False) -> str:
    """A value in its display unit (vocabulary.yml), French typography: ``2 790 kt CO₂e``."""
    unit_name = iid_or_unit if iid_or_unit in UNITS else (ctx.catalogue if ctx else load_catalogue())[iid_or_unit].short_unit
    unit = UNITS[unit_name]
    text = fmt.number(v * unit.factor if v == v else v, unit.decimals, signed=signed)
    return f"{text}\u00a0{unit.display}" if with_unit and unit.display and text != fmt.MISSING else text


def wide(ctx: ReportContext, prefix: str, codes) -> tuple[pd.DataFrame, set[int], frozenset[str]]:
    """``prefix + code`` indicators of the territory as columns; the demonstration years; the natures."""
    cols, demo, seen = {}, set(), set()
    for c in codes:
        s = series(ctx, f"{prefix}{c}")
        if s.notna().any():
            cols[c] = s
        n = natures(ctx, f"{prefix}{c}")
        demo |= {int(y) for y, v in n.items() if v == "demonstration"}
        seen |= set(n.unique())
    return pd.DataFrame(cols).sort_index(), demo, frozenset(seen)


def has_demonstration(ctx: ReportContext) -> bool:
    v = ctx.indicators
    mine = v.loc[(v["geo_level"] == ctx.geo_level) & (v["geo_code"] == ctx.geo_code)]
    return bool((mine["nature"] == "demonstration").any())


def years_text(years: set[int]) -> str:
    """« 2012 à 2015 » for a run of years, else « 2012, 2016 »."""
    ys = sorted(years)
    return f"{ys[0]} à {ys[-1]}" if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)) else ", ".join(map(str, ys))


def demo_years_sentence(demo: set[int]) -> str:
    """« Années de démonstration : 2012 à 2015. » for a text alternative, or ''."""
    return f" Années de démonstration : {years_text(demo)}." if demo else ""


def demonstration_note(natures) -> str:
    """« Valeurs de démonstration. » when every value shown is, « Valeurs en partie de démonstration. » when
    some are: what the values are, never a statement about which inputs were delivered (that is for
    ``pma-eval data etat``)."""
    natures = set(natures) - {"secret"}
    if "demonstration" not in natures:
        return ""
    return " Valeurs de démonstration." if natures == {"demonstration"} else " Valeurs en partie de démonstration."


# --- verdicts ------------------------------------------------------------------------------------

def _verdicts(ctx: ReportContext) -> pd.DataFrame:
    ids = {i for i in ctx.targets.get("indicator_id", pd.Series(dtype=object)).dropna()}
    ids |= {CLIMATE_CORRECTED[i] for i in ids if i in CLIMATE_CORRECTED}
    data = {i: series(ctx, i) for i in ids}
    directions = {i.id: i.direction for i in ctx.catalogue}
    return (evaluate_targets(data, ctx.targets, ctx.geo_level, ctx.sigle, directions)
            if len(ctx.targets) else pd.DataFrame())


# --- sources -------------------------------------------------------------------------------------

def _short_producer(producer: str) -> str:
    """« CITEPA pour le MTES/DGEC (data.gouv.fr, …) » → « CITEPA »: the producer's name."""
    return producer.split(" (")[0].split(" pour ")[0].split(",")[0].strip()


def source_line(ctx: ReportContext, indicator_ids) -> str:
    """The source line of a table or figure, from the metadata of the raw files behind its indicators.

    The catalogue's ``sources`` name the formats each indicator comes from; the build manifest
    lists the files actually read with their producer, years and nature (:func:`formats_line`).
    """
    return formats_line(ctx.manifest, lineage(ctx.catalogue, indicator_ids))


def lineage(catalogue: Catalogue, indicator_ids) -> list[str]:
    """The raw formats the indicators come from (the catalogue's ``sources``), in order, once each."""
    return list(dict.fromkeys(f for iid in indicator_ids for f in catalogue[iid].sources))


def formats_line(manifest_: dict, formats) -> str:
    """« CITEPA (probablement 2016) ; séries de démonstration pma-eval (2012-2023) »: the raw files
    of ``formats`` listed in the build manifest, grouped by producer and nature, demonstration last."""
    groups: dict[tuple[str, str], list[str]] = {}
    for inp in manifest_.get("inputs", []):
        if inp.get("format") not in formats:
            continue
        nature = inp.get("nature") or "observed"
        key = (_short_producer(inp.get("producer") or inp.get("path", "")), nature)
        groups.setdefault(key, []).append(str(inp.get("years") or ""))
    parts = []
    for (producer, nature), years in sorted(groups.items(), key=lambda kv: (kv[0][1] == "demonstration", kv[0][0])):
        label = "séries de démonstration pma-eval" if nature == "demonstration" else producer
        ys = _years_span(years)
        parts.append(f"{label} ({ys})" if ys else label)
    return " ; ".join(parts) or "pma-eval"


def _years_span(years: list[str]) -> str:
    """Years of grouped files, from their metadata: « 2012-2023 », « probablement 2016 »."""
    import re

    nums = [int(y) for text in years for y in re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text)]
    if not nums:
        return ""
    span = str(nums[0]) if min(nums) == max(nums) else f"{min(nums)}-{max(nums)}"
    return ("probablement " if any("probablement" in t for t in years) else "") + span

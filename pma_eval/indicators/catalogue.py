"""The indicator catalogue (``catalogue.yml``): loading and validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
from ..yamltext import safe_load

from ..errors import ConfigurationError
from ..vocabulary import FORMATS, UNITS

CATALOGUE_PATH = Path(__file__).resolve().parent / "catalogue.yml"

KNOWN_UNITS = set(UNITS)  # vocabulary.yml
DIRECTIONS = {"increase", "decrease", "none"}
AGGREGATIONS = {"sum", "ratio", "none"}  # none: one value for the whole territory (degree-days of one station)
LEVELS = {"commune", "epci", "pma"}
TABLES = {"population", "emissions", "energy", "renewables", "air", "sequestration", "renewables_heat",
          "climate", "energy_corrected", "delivery_points", "energy_bill"}
REQUIRED = ("id", "title", "short_title", "unit", "short_unit", "direction", "theme", "sources", "aggregation",
            "levels", "calc", "description")


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    short_title: str
    unit: str
    short_unit: str
    direction: str
    theme: str
    sources: tuple[str, ...]
    aggregation: str
    levels: tuple[str, ...]
    calc: dict
    description: str
    tet_id: str | None = None
    bounds: tuple[float | None, float | None] = (None, None)
    depends_on: tuple[str, ...] = field(default=())
    headline: bool = False


@dataclass(frozen=True)
class Catalogue:
    themes: dict[str, str]
    indicators: dict[str, Indicator]

    def __getitem__(self, key: str) -> Indicator:
        try:
            return self.indicators[key]
        except KeyError:
            raise ConfigurationError(f"indicateur inconnu : {key}") from None

    def __iter__(self):
        return iter(self.indicators.values())

    def __len__(self) -> int:
        return len(self.indicators)

    def order(self) -> list[Indicator]:
        """Indicators in an order where each comes after those it depends on."""
        done: dict[str, Indicator] = {}

        def visit(ind: Indicator, stack: tuple[str, ...] = ()) -> None:
            if ind.id in done:
                return
            if ind.id in stack:
                raise ConfigurationError(f"dépendance circulaire entre indicateurs : {' → '.join(stack + (ind.id,))}")
            for dep in ind.depends_on:
                visit(self[dep], stack + (ind.id,))
            done[ind.id] = ind

        for ind in self:
            visit(ind)
        return list(done.values())

    def subset(self, ids: list[str]) -> "Catalogue":
        """The catalogue reduced to ``ids`` and what they depend on (catalogue order kept)."""
        keep: set[str] = set()

        def visit(i: str) -> None:
            if i not in keep:
                keep.add(i)
                for dep in self[i].depends_on:
                    visit(dep)

        for i in ids:
            visit(i)
        return Catalogue(self.themes, {k: v for k, v in self.indicators.items() if k in keep})

    def ids(self, theme: str | None = None) -> list[str]:
        """Indicator ids, in catalogue order; ``theme`` keeps one theme (``emissions``, ``energie``…)."""
        return [i.id for i in self if theme is None or i.theme == theme]

    def headlines(self) -> list[Indicator]:
        return [i for i in self if i.headline]

    def as_frame(self) -> pd.DataFrame:
        """The catalogue as a French table (for exports and annexes)."""
        return pd.DataFrame([{
            "indicateur": i.id, "identifiant TeT": i.tet_id or "", "titre": i.title, "titre court": i.short_title,
            "unité": i.unit, "unité courte": i.short_unit,
            "sens souhaité": {"increase": "hausse", "decrease": "baisse", "none": "—"}[i.direction],
            "thème": self.themes[i.theme], "agrégation": {"sum": "somme", "ratio": "ratio des totaux",
                                                                 "none": "même valeur pour tout le territoire"}[i.aggregation],
            "niveaux": ", ".join(i.levels), "sources": " ; ".join(FORMATS[s] for s in i.sources),
            "formats des fichiers bruts": ", ".join(i.sources), "description": i.description,
        } for i in self])


def _dependencies(calc: dict) -> tuple[str, ...]:
    for key in ("ratio", "share", "difference"):
        if key in calc:
            return (*calc[key], *(calc.get("denominator_optional") or []))
    if "sum" in calc:
        return (*calc["sum"], *(calc.get("optional") or []))
    if "change" in calc:
        return (calc["change"],)
    return ()


def parse_catalogue(data: dict, source: str = "catalogue.yml") -> Catalogue:
    """Validate the catalogue's content; every problem is reported at once (French)."""
    problems: list[str] = []
    themes = data.get("themes") or {}
    entries = data.get("indicators") or []
    seen: set[str] = set()
    indicators: dict[str, Indicator] = {}
    for n, e in enumerate(entries, start=1):
        where = f"{source}, indicateur n° {n} ({e.get('id', '?')})"
        missing = [k for k in REQUIRED if k not in e]
        if missing:
            problems.append(f"{where} : champs absents : {', '.join(missing)}")
            continue
        if e["id"] in seen:
            problems.append(f"{where} : identifiant en double")
        seen.add(e["id"])
        unknown = [s for s in e.get("sources") or () if s not in FORMATS]
        if unknown:
            problems.append(f"{where} : source inconnue {unknown} (clés « format » de vocabulary.yml)")
        if e["short_unit"] not in KNOWN_UNITS:
            problems.append(f"{where} : unité courte inconnue « {e['short_unit']} »")
        if e["direction"] not in DIRECTIONS:
            problems.append(f"{where} : sens inconnu « {e['direction']} »")
        if e["aggregation"] not in AGGREGATIONS:
            problems.append(f"{where} : agrégation inconnue « {e['aggregation']} »")
        if e["theme"] not in themes:
            problems.append(f"{where} : thème inconnu « {e['theme']} »")
        if not set(e["levels"]) <= LEVELS:
            problems.append(f"{where} : niveaux inconnus {sorted(set(e['levels']) - LEVELS)}")
        calc = e["calc"] or {}
        kinds = [k for k in ("table", "ratio", "share", "change", "activity", "difference", "sum") if k in calc]
        if len(kinds) != 1:
            problems.append(f"{where} : « calc » doit avoir exactement un de table, ratio, share, change, activity, "
                            "difference, sum")
        elif kinds[0] == "table" and calc["table"] not in TABLES:
            problems.append(f"{where} : table inconnue « {calc['table']} »")
        elif kinds[0] in ("ratio", "share") and e["aggregation"] != "ratio":
            problems.append(f"{where} : un ratio s'agrège par « ratio » (recalculé à partir des totaux)")
        bounds = tuple(e.get("bounds") or (None, None))
        indicators[e["id"]] = Indicator(
            id=e["id"], title=e["title"], short_title=e["short_title"], unit=e["unit"], short_unit=e["short_unit"],
            direction=e["direction"], theme=e["theme"], sources=tuple(e["sources"]), aggregation=e["aggregation"],
            levels=tuple(e["levels"]), calc=calc, description=e["description"], tet_id=e.get("tet_id"),
            bounds=bounds, depends_on=_dependencies(calc), headline=bool(e.get("headline", False)))
    for ind in indicators.values():
        for dep in ind.depends_on:
            if dep not in indicators:
                problems.append(f"{source}, {ind.id} : dépend d'un indicateur inconnu « {dep} »")
    if problems:
        raise ConfigurationError("catalogue des indicateurs invalide :\n  - " + "\n  - ".join(problems))
    cat = Catalogue(dict(themes), indicators)
    cat.order()
    return cat


@lru_cache(maxsize=4)
def load_catalogue(path: str | None = None) -> Catalogue:
    """The catalogue shipped with the package (or another file with the same schema)."""
    p = Path(path) if path else CATALOGUE_PATH
    return parse_catalogue(safe_load(p.read_text(encoding="utf-8")), p.name)

"""One-page fiches for the 150 mayors (HTML and PDF), without a Jupyter kernel.

Shared work is done once (indicator table pivoted, the territory's map projected to SVG); each fiche
is then a jinja2 template rendered to HTML and printed by WeasyPrint, in parallel processes.
Output goes to a temporary folder moved in place only when every fiche is written.
"""

from __future__ import annotations

import gc
import importlib
import math
import multiprocessing as mp
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from ..atomic import atomic_folder
from .. import fmt, svg
from ..config import Paths, get_paths
from ..processed import load, load_shapes, load_territory, manifest
from ..errors import ConfigurationError
from ..narrative import Sentence, comparison_sentence, evolution_sentence, rank
from ..narrative.sentences import SHORT_CAVEATS
from ..indicators import load_catalogue
from ..report.context import formats_line, lineage
from ..report.blocks import typeset_html, units
from ..report.statement import INCOMPLETE_MARK, incomplete_note, incompleteness, pace_text
from ..vocabulary import MARK_COLORS, PCAET, SECTOR_COLORS, SECTOR_HATCHES, SECTOR_LABELS, TERRITORY_COLORS, WHOLE_COLOR
from ..coverage import whole_label as coverage_whole_label
from ..territory import NATURE_LABELS_FR, worst_nature

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Indicators a fiche shows: its source line is derived from their lineage (catalogue → raw files' metadata).
SHOWN = ("population", "ges_total", "ges_par_habitant", *(f"ges_{s}" for s in PCAET), "conso_energie_par_habitant",
         "conso_electricite", "enr_puissance_solaire_pv", "pv_installations", "enr_elec_production",
         "couverture_elec_enr")


def slugify(text: str) -> str:
    """ASCII, lower case, hyphens: « Saint-Léger/Essai » → ``saint-leger-essai``."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-") or "commune"


def safe_path(folder: Path, code: str, name: str, suffix: str) -> Path:
    """``<folder>/<code>_<slug><suffix>``, guaranteed to stay inside ``folder``."""
    if not re.fullmatch(r"\d{5}|2[AB]\d{3}", code):
        raise ConfigurationError(f"code INSEE invalide pour un nom de fichier : {code!r}")
    p = (folder / f"{code}_{slugify(name)}{suffix}").resolve()
    if p.parent != folder.resolve():
        raise ConfigurationError(f"nom de fichier hors du dossier de sortie : {p}")
    return p


#: Small-number rule of the communes' fiches (issue 23). Below 10 photovoltaic installations, one roof
#: more or less moves the count by a tenth or more; below 36 kW, the commune's whole park is the size of
#: one small rooftop (36 kVA is the upper bound of the small-installations tariff segments). A percentage
#: change then describes one household's decision, not a trend: Rombly (53 inhabitants) read
#: « +625 % (+19,7 % par an) » for one installation of 3 kW. When either year of the comparison is below
#: either threshold, the fiche gives the counts and powers of both years instead of a percentage.
SMALL_INSTALLATIONS = 10
SMALL_POWER_KW = 36.0


def small_numbers(installations: tuple[float, float], power_kw: tuple[float, float]) -> bool:
    """Whether a change of the photovoltaic park must be told in counts (see :data:`SMALL_INSTALLATIONS`)."""
    return (any(n == n and n < SMALL_INSTALLATIONS for n in installations)
            or any(p == p and p < SMALL_POWER_KW for p in power_kw))


def pv_counts_sentence(of: str, start: int, end: int, installations: tuple[float, float],
                       power_kw: tuple[float, float], nature: str = "observed") -> Sentence | None:
    """« Le parc photovoltaïque de Rombly compte 1 installation (2,9 kW) en 2023, contre 1 installation
    (0,4 kW) en 2012. »: the small-number rule's sentence (counts and powers, no percentage)."""
    (n0, n1), (p0, p1) = installations, power_kw
    if any(x != x for x in (n0, n1, p0, p1)):
        return None

    def park(n: float, p: float) -> str:
        return fmt.count(int(n), "installation") + f" ({fmt.number(p, 1 if p < 10 else 0)}\u00a0kW)" if n else "aucune"

    caveat = SHORT_CAVEATS.get(nature)
    text = (f"Le parc photovoltaïque {of} compte {park(n1, p1)} en {end}, contre {park(n0, p0)} en {start}"
            + (f" {caveat}." if caveat else "."))
    # Counts say little about a trend: ranked after the comparisons and the larger changes.
    return Sentence(text, 0.1, "pv_installations", nature)


@dataclass(frozen=True)
class Bar:
    """One bar of a fiche's chart, drawn in HTML by the template (text laid out as text, no SVG to draw)."""

    label: str
    value: str  # the value as written beside the bar, with its unit
    width: float  # share of the longest bar's length [%]
    color: str
    highlight: bool = False  # the commune of the fiche: outlined, label in bold, as the reports' highlight


@dataclass(frozen=True)
class Segment:
    """One part of the fiche's 100 % bar of emissions by sector, and its legend entry."""

    label: str
    share: str  # « 31 % »
    left: float  # [%]
    width: float  # [%]
    color: str
    hatched: bool


def bars(items: list[tuple[str, float, str]], unit: str, decimals: int = 1, highlight: int = 0) -> list[Bar]:
    """Horizontal bars (label, value, colour): lengths in proportion to the largest value; a missing value
    has no bar and is written « — » (never drawn as a zero-length bar with a zero)."""
    vals = [v for _, v, _ in items if v == v]
    vmax = max(vals) if vals and max(vals) > 0 else 1.0
    return [Bar(label, fmt.MISSING if v != v else f"{fmt.number(v, decimals)}\u00a0{unit}",
                0.0 if v != v else round(100 * max(v, 0.0) / vmax, 2), color, i == highlight)
            for i, (label, v, color) in enumerate(items)]


def segments(items: list[tuple[str, float, str, str]]) -> list[Segment]:
    """The parts (label, value, colour, hatch) of one 100 % bar: only the positive known values, in order."""
    shown = [(lab, v, c, h) for lab, v, c, h in items if v == v and v > 0]
    total = sum(v for _, v, _, _ in shown)
    out, left = [], 0.0
    for lab, v, color, hatch in shown:
        width = 100 * v / total
        out.append(Segment(lab, fmt.percent(v / total, 0), round(left, 2), round(width, 2), color, bool(hatch)))
        left += width
    return out


@dataclass
class FicheData:
    code: str
    name: str
    epci_name: str
    epci_of: str  # « de la CABBALR »: the EPCI after « de », with its article
    year: int
    first_year: int
    population: str
    population_change: str
    ges_total: str
    ges_per_hab: str
    ges_nature: str
    sentences: list[str]
    bars: list[Bar]  # emissions per inhabitant: the commune, its EPCI, the whole territory (if not its EPCI)
    share: list[Segment]  # emissions by sector
    map_png: str  # base map of the EPCI (PNG, base64), shared by its communes
    map_svg: str  # the commune drawn over it
    energy_rows: list[dict]
    natures: str
    sources: str
    demonstration: bool
    peers: str = ""  # the commune beside communes of similar size of its département (observed inventory)
    incomplete: str = ""  # note of the totals marked « * » (incomplete: at least the value shown)
    own_incomplete: bool = False  # the commune's own cards are marked: the note goes under them, else under the bars
    organisation: str = ""  # the territory's name (running footer)
    whole_subject: str = ""  # « le Pôle » (the map's grey), empty for a territory of one EPCI (its EPCI is the whole)
    map_legend: list[dict] = field(default_factory=list)  # the locator map's keys: label, colour (:func:`map_legend`)


def map_legend(name: str, epci_of: str, whole_of: str | None) -> list[dict]:
    """The keys of a fiche's locator map, named from the territory's data: the commune, the other communes of its
    EPCI (« autres communes de la CALL »), the rest of the territory (« autres communes du Pôle »; none for a
    territory of one EPCI, whose map is its EPCI)."""
    keys = [{"label": name, "color": svg.COMMUNE_FILL}, {"label": f"autres communes {epci_of}", "color": svg.EPCI_FILL}]
    if whole_of:
        keys.append({"label": f"autres communes {whole_of}", "color": svg.REST_FILL})
    return keys


def _lookup(ind: pd.DataFrame, year: int):
    sub = ind.loc[ind["year"].isin([year])]
    values = sub.set_index(["indicator_id", "geo_level", "geo_code"])["value"].to_dict()
    natures = sub.set_index(["indicator_id", "geo_level", "geo_code"])["nature"].to_dict()
    return values, natures


def prepare(year: int, paths: Paths | None = None, codes: list[str] | None = None) -> list[FicheData]:
    """Everything the fiches show, computed once (pure given the processed tables).

    ``codes`` restricts the fiches to some communes (default: all 150).
    """
    paths = paths or get_paths()
    ind = load("indicators", paths)
    years = sorted(ind.loc[ind["indicator_id"] == "ges_total", "year"].unique())
    if year not in years:
        raise ConfigurationError(f"année {year} absente des données (années disponibles : {years[0]} à {years[-1]})")
    first = int(years[0])
    territory = load_territory(paths)
    whole_code, whole_names = territory.code, territory.whole
    one_epci = len(territory.epcis) == 1  # the EPCI is the whole territory: shown once
    whole_label = coverage_whole_label(whole_names)  # « Pôle », « Agglomération »
    # the whole's own colour, else the house colour of a whole territory (declared under the default one's code)
    whole_color = TERRITORY_COLORS.get(whole_code, WHOLE_COLOR)
    shapes = load_shapes(paths)
    rings, height = svg.project(shapes)
    import base64

    base_maps = {}
    for e in territory.epcis["epci_siren"]:
        fills = {c: svg.EPCI_FILL for c in territory.members("epci", e)}
        base_maps[e] = base64.b64encode(svg.base_map_png(rings, height, fills)).decode("ascii")
    sources = formats_line(manifest(paths), [*lineage(load_catalogue(), SHOWN), "contours_communes"])
    v1, n1 = _lookup(ind, year)
    v0, n0 = _lookup(ind, first)
    complete, missing = incompleteness(ind, year)
    _, missing0 = incompleteness(ind, first)
    try:
        comparisons = load("comparisons_ges", paths)
    except ConfigurationError:
        comparisons = None
    peers = peer_sentences(comparisons, dict(zip(territory.communes["code_insee"], territory.communes["nom"])))
    out = []
    for c in territory.communes.itertuples():
        if codes and c.code_insee not in codes:
            continue
        code, name, epci = c.code_insee, c.nom, c.epci_siren
        epci_name = territory.name("epci", epci)

        def get(iid, level="commune", geo=code, d=v1):
            return d.get((iid, level, geo), math.nan)

        def nat(iid, level="commune", geo=code, d=n1):
            return d.get((iid, level, geo), "secret")

        def whole(iid, level="commune", geo=code):
            return complete.get((iid, level, geo), True)

        def mark(iid, level="commune", geo=code):
            return "" if whole(iid, level, geo) else INCOMPLETE_MARK

        def emissions_sentence() -> Sentence | None:
            """The change of the commune's total; on the sectors the inventory gives, said so, when the same
            sectors are missing both years (otherwise the two totals do not cover the same scope: none)."""
            gaps = missing.get(code, []), missing0.get(code, [])
            if gaps[0] != gaps[1]:
                return None
            scope = f"{of} (hors {' et '.join(gaps[0])})" if gaps[0] else of
            return evolution_sentence("ges_total", scope, first, get("ges_total", d=v0), year, ges, "decrease",
                                      nature=worst_nature([nat("ges_total", d=n0), ges_n]), short_caveat=True,
                                      pace=lambda x: pace_text("t CO₂e", x))

        def pv_sentence() -> Sentence | None:
            counts = (get("pv_installations", d=v0), get("pv_installations"))
            power = (get("enr_puissance_solaire_pv", d=v0), get("enr_puissance_solaire_pv"))
            nature = worst_nature([nat("enr_puissance_solaire_pv"), nat("enr_puissance_solaire_pv", d=n0),
                                   nat("pv_installations"), nat("pv_installations", d=n0)])
            if small_numbers(counts, power):
                return pv_counts_sentence(of, first, year, counts, power, nature)
            return evolution_sentence("enr_puissance_solaire_pv", of, first, power[0], year, power[1], "increase",
                                      nature=worst_nature([nat("enr_puissance_solaire_pv"),
                                                           nat("enr_puissance_solaire_pv", d=n0)]),
                                      short_caveat=True, pace=lambda x: pace_text("kW", x))

        pop, pop0 = get("population"), get("population", d=v0)
        ges, ges_n = get("ges_total"), nat("ges_total")
        per_hab = get("ges_par_habitant")
        of = territory.name_after_de("commune", code)
        sentences = rank([
            comparison_sentence("ges_par_habitant", of, year, per_hab, "t CO₂e", f"la {epci_name}",
                                get("ges_par_habitant", "epci", epci),
                                None if one_epci else get("ges_par_habitant", "pma", whole_code),
                                nature=ges_n, short_caveat=True, complete=whole("ges_par_habitant"),
                                epci_complete=whole("ges_par_habitant", "epci", epci),
                                pma_complete=whole("ges_par_habitant", "pma", whole_code),
                                du_tout=whole_names.of, le_tout=whole_names.subject),
            emissions_sentence(),
            pv_sentence(),
            evolution_sentence("population", of, first, pop0, year, pop, "none", nature=nat("population"),
                               short_caveat=True, pace=lambda x: pace_text("hab", x)),
        ], n=3)
        # house colours: the commune (no colour of its own) in the neutral mark, outlined; its EPCI and the whole
        # territory in theirs, as in every chart of the reports (the whole's own, else the house colour of the whole);
        # a territory of one EPCI shows it once
        per_hab_bars = bars([(name + mark("ges_par_habitant"), per_hab, MARK_COLORS["neutral"]),
                             (epci_name + mark("ges_par_habitant", "epci", epci), get("ges_par_habitant", "epci", epci),
                              TERRITORY_COLORS.get(epci_name, MARK_COLORS["neutral"]))]
                            + ([] if one_epci else
                               [(whole_label + mark("ges_par_habitant", "pma", whole_code),
                                 get("ges_par_habitant", "pma", whole_code), whole_color)]), "t CO₂e/hab")
        marked = [c for lvl, geo, scope in (("commune", code, [code]),
                                            ("epci", epci, territory.members("epci", epci)),
                                            ("pma", whole_code, territory.members("pma", whole_code)))
                  if not whole("ges_par_habitant", lvl, geo) for c in scope]
        note = incomplete_note(missing, list(dict.fromkeys(marked)), territory)
        share = segments([(SECTOR_LABELS[s], get(f"ges_{s}"), SECTOR_COLORS[s], SECTOR_HATCHES[s]) for s in PCAET])
        conso_pc, conso_n = get("conso_energie_par_habitant"), nat("conso_energie_par_habitant")
        energy_rows = [
            {"label": "Consommation d'énergie par habitant",
             "value": "secret statistique" if conso_n == "secret" else f"{fmt.number(conso_pc, 1)}\u00a0MWh",
             "nature": NATURE_LABELS_FR[conso_n]},
            {"label": "Électricité consommée", "value": _q(get("conso_electricite") / 1000, "GWh", 1),
             "nature": NATURE_LABELS_FR[nat("conso_electricite")]},
            {"label": "Puissance photovoltaïque", "value": _q(get("enr_puissance_solaire_pv"), "kW", 0),
             "nature": NATURE_LABELS_FR[nat("enr_puissance_solaire_pv")]},
            {"label": "Installations photovoltaïques", "value": fmt.number(get("pv_installations")),
             "nature": NATURE_LABELS_FR[nat("pv_installations")]},
            {"label": "Électricité renouvelable produite", "value": _q(get("enr_elec_production"), "MWh", 0),
             "nature": NATURE_LABELS_FR[nat("enr_elec_production")]},
            {"label": "Couverture de la consommation d'électricité",
             "value": _q(get("couverture_elec_enr"), "%", 0), "nature": NATURE_LABELS_FR[nat("couverture_elec_enr")]},
        ]
        shown = {ges_n, nat("population"), *(nat(i) for i in ("conso_electricite", "enr_puissance_solaire_pv"))}
        out.append(FicheData(
            code=code, name=name, epci_name=epci_name, epci_of=territory.name_after_de("epci", epci), year=year, first_year=first,
            population=fmt.number(pop), population_change=fmt.percent(pop / pop0 - 1, 1, signed=True),
            ges_total=_q(ges, "t CO₂e", 0) + mark("ges_total"), ges_per_hab=_q(per_hab, "t CO₂e", 1) + mark("ges_par_habitant"),
            ges_nature=NATURE_LABELS_FR[ges_n],
            sentences=[s.text for s in sentences], bars=per_hab_bars, share=share,
            map_png=base_maps[epci], map_svg=svg.locator_svg(rings[code], height),
            energy_rows=energy_rows,
            natures=", ".join(NATURE_LABELS_FR[n] for n in ("observed", "estimated", "demonstration", "secret") if n in shown),
            sources=sources, demonstration="demonstration" in shown, peers=peers[code],
            incomplete=note, own_incomplete=not whole("ges_par_habitant") or not whole("ges_total"),
            organisation=whole_names.name, whole_subject="" if one_epci else whole_names.subject,
            map_legend=map_legend(name, territory.name_after_de("epci", epci), None if one_epci else whole_names.of)))
    return out


def peer_sentence(table: pd.DataFrame | None, code: str, name: str) -> str:
    """« En 2016, d'après l'inventaire observé du CITEPA, Lens émettait 3,9 t CO₂e par habitant ; les 12
    communes du Pas-de-Calais de taille voisine (de 24 000 à 40 000 habitants) : 5,1 t en médiane. »"""
    return peer_sentences(table, {code: name})[code]


def peer_sentences(table: pd.DataFrame | None, names: dict[str, str]) -> dict[str, str]:
    """:func:`peer_sentence` of each commune of ``names`` (code → name), the comparison table read once."""
    from ..comparisons import DEPARTEMENTS, similar_communes_of

    if table is None:
        return dict.fromkeys(names, "")
    tot = table.loc[(table["geo_level"] == "commune") & (table["sector"] == "total")]
    rows = tot.drop_duplicates("geo_code").set_index("geo_code")
    peers = similar_communes_of(tot, list(names))
    mine = rows.loc[rows.index.isin(list(names)), ["year", "per_capita", "complete", "departement"]]
    out = dict.fromkeys(names, "")
    for code, year, per_capita, complete, departement in mine.itertuples():
        if pd.isna(per_capita):
            continue
        others = peers[code]  # numpy from here: 150 communes, no pandas call per commune
        known = others["per_capita"].to_numpy(dtype=float)
        size = others["population"].to_numpy(dtype=float)[~np.isnan(known)]
        known = known[~np.isnan(known)]
        if len(known) < 3:
            continue
        least = "" if bool(complete) else "au moins "
        out[code] = (f"En {int(year)}, d'après l'inventaire observé du CITEPA, {names[code]} émettait {least}"
                     f"{fmt.number(per_capita, 1)}\u00a0t CO₂e par habitant ; les {len(known)} communes du "
                     f"{DEPARTEMENTS.get(departement, departement)} de taille voisine (de {fmt.number(size.min())} "
                     f"à {fmt.number(size.max())} habitants) : {fmt.number(float(np.median(known)), 1)}\u00a0t en "
                     "médiane.")
    return out


def _q(v: float, unit: str, decimals: int) -> str:
    return fmt.MISSING if v != v else f"{fmt.number(v, decimals)}\u00a0{unit}"


_TEMPLATE: jinja2.Template | None = None
_CSS = (TEMPLATES / "fiche.css").read_text(encoding="utf-8")


def fiche_css(organisation: str) -> str:
    """The fiche's stylesheet, its running footer naming the territory (as declared) with a typographic apostrophe."""
    from .report import ORGANISATION, css_string

    return _CSS.replace(ORGANISATION, css_string(organisation.replace("'", "’")))


#: Stand-ins written where the stylesheet and the base map go, replaced once the page is typeset: the page is
#: rendered and typeset once for both its files (never through the map's 100 kB of base64).
_CSS_SLOT, _MAP_SLOT = "pma-eval-fiche-css", "pma-eval-fiche-map"
#: URL scheme of the base maps in the HTML given to WeasyPrint, answered from memory (:func:`.pdf.memory_fetcher`).
MAP_SCHEME = "pma-eval-map"


def _page(f: FicheData) -> str:
    """The fiche's HTML, typeset, with :data:`_CSS_SLOT` and :data:`_MAP_SLOT` in place of its stylesheet and map."""
    global _TEMPLATE
    if _TEMPLATE is None:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
        # a unit written with slashes stays whole, after its figure's no-break space (« +169 kW/an »)
        env.filters["units"] = lambda text: units(text, narrow=False)
        _TEMPLATE = env.get_template("fiche_commune.html.j2")
    return typeset_html(_TEMPLATE.render(f=f, css=_CSS_SLOT, map_src=_MAP_SLOT))


def render_html(f: FicheData, css: str | None = None, page: str | None = None) -> str:
    """The fiche's HTML, self-contained: every text from data is escaped (autoescape), CSS and SVG marked safe,
    the base map inline (PNG, base64). ``page``: :func:`_page` of ``f``, when it is already typeset."""
    return ((_page(f) if page is None else page).replace(_CSS_SLOT, fiche_css(f.organisation) if css is None else css, 1)
            .replace(_MAP_SLOT, "data:image/png;base64," + f.map_png, 1))


_WORKER: dict = {}


def _pdf_tools():
    """Per process: one font configuration, the stylesheet parsed once per territory name, the base maps
    decoded once (WeasyPrint's image cache, keyed by their URL) and the fetcher that answers their URLs."""
    if not _WORKER:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        from .pdf import lean_html, memory_fetcher, prepare_weasyprint

        prepare_weasyprint()
        fc = FontConfiguration()
        # the base maps' URLs answered from memory; a fiche refers to nothing else
        _WORKER.update(weasyprint=weasyprint, fc=fc, css={}, cache={}, fetcher=memory_fetcher(MAP_SCHEME, only=True),
                       html=lean_html())
    return _WORKER


def _map_url(tools: dict, f: FicheData) -> str:
    """The URL of the fiche's base map for WeasyPrint (its content's hash: a map is decoded once per process)."""
    import base64
    import hashlib

    url = f"{MAP_SCHEME}:{hashlib.sha256(f.map_png.encode('ascii')).hexdigest()}"
    maps = tools["fetcher"].data
    if url not in maps:
        maps[url] = base64.b64decode(f.map_png)
    return url


def _write_one(f: FicheData, folder: Path) -> None:
    tools = _pdf_tools()
    html_path = safe_path(folder, f.code, f.name, ".html")
    pdf_path = safe_path(folder, f.code, f.name, ".pdf")
    page = _page(f)  # typeset once for both files
    html_path.write_text(render_html(f, page=page), encoding="utf-8")  # self-contained file, CSS and map inline
    css = tools["css"].get(f.organisation)
    if css is None:
        css = tools["css"][f.organisation] = tools["weasyprint"].CSS(string=fiche_css(f.organisation),
                                                                     font_config=tools["fc"])
    html = page.replace(_CSS_SLOT, "", 1).replace(_MAP_SLOT, _map_url(tools, f), 1)
    tools["html"](string=html, url_fetcher=tools["fetcher"]).write_pdf(
        pdf_path, stylesheets=[css], font_config=tools["fc"], cache=tools["cache"])


def _write_batch(args: tuple[list[FicheData], str]) -> int:
    fiches, folder = args
    for f in fiches:
        _write_one(f, Path(folder))
    return len(fiches)


#: Fiches per batch handed to a worker process (small enough for the two cores to finish together: a batch is
#: about a second of CPU, the last one's wait at most that).
BATCH = 5


def write_fiches(year: int, paths: Paths | None = None, processes: int | None = None,
                 only: list[str] | None = None, out_dir: Path | None = None, executor=None) -> Path:
    """Write every commune's fiche (HTML + PDF) and the folder's manifest to ``reports/<year>/fiches/communes``.

    The batches of fiches go to ``executor`` (a ``concurrent.futures`` executor: the yearly run's workers)
    when one is given, else to ``processes`` processes of their own (default: every core).
    Returns the folder. A failure leaves the previous fiches untouched.
    """
    from .manifest import write_manifest

    paths = paths or get_paths()
    data = prepare(year, paths, codes=only)
    final = Path(out_dir) if out_dir else paths.reports / str(year) / "fiches" / "communes"
    with atomic_folder(final) as tmp:
        batches = [(data[i:i + BATCH], str(tmp)) for i in range(0, len(data), BATCH)]
        n = processes or min(len(batches), os.cpu_count() or 1)
        if executor is not None:
            list(executor.map(_write_batch, batches))
        elif n > 1:
            from ..collector import worker_initializer

            importlib.import_module("weasyprint")  # imported once here, not once per worker
            # the workers' garbage collector leaves alone what they inherit (the caller's tables, the modules):
            # without it, each full collection of a worker walks the whole parent's heap again
            gc.collect()
            gc.freeze()
            try:
                with mp.get_context("fork").Pool(n, initializer=worker_initializer) as pool:
                    list(pool.imap_unordered(_write_batch, batches))
            finally:
                gc.unfreeze()
        else:
            for b in batches:
                _write_batch(b)
        write_manifest("fiches", {"year": int(year), **({"communes": sorted(only)} if only else {})}, tmp, paths)
    return final

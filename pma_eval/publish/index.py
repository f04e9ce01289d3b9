"""``reports/<année>/index.html``: one page linking every product of the year's folder.

Built from what the folder holds (not from a list kept by hand): reports of the territory and of each EPCI,
scenario reports and their IAMC exports, EPCI syntheses, commune fiches grouped by EPCI, indicator
exports, visuals and the run's traceability files. Relative links: the folder can be copied or served
as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..atomic import atomic_file
from ..config import Paths, get_paths
from ..report.blocks import typeset_html
from ..sources._table import normalise_name
from .visuals import TITLES

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: File kinds and the link text a reader sees.
KINDS = {".html": "page web", ".pdf": "PDF", ".csv": "CSV", ".xlsx": "Excel", ".svg": "SVG", ".png": "PNG",
         ".json": "JSON", ".log": "journal", ".txt": "texte"}


@dataclass
class Section:
    title: str
    rows: list = field(default_factory=list)  # (label, [(text, href)]) or, grouped, (group, [rows])
    group: bool = False


def _links(folder: Path, files: list[Path]) -> list[tuple[str, str]]:
    return [(KINDS.get(f.suffix, f.suffix), f.relative_to(folder).as_posix()) for f in sorted(files)]


def _by_stem(files: list[Path]) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for f in files:
        out.setdefault(f.name.split(".")[0], []).append(f)
    return out


def sections(year: int, paths: Paths | None = None) -> list[Section]:
    """The index's sections, from the files of ``reports/<year>``."""
    from ..processed import load_territory

    paths = paths or get_paths()
    folder = paths.reports / str(year)
    territory = load_territory(paths)
    sigles = list(dict.fromkeys([territory.code, *territory.epcis["epci_sigle"]]))

    full = dict(zip(territory.epcis["epci_sigle"], territory.epcis["epci_nom"]))

    def name(sigle: str) -> str:
        """« CA de Lens - Liévin (CALL) »: the acronym spelled out."""
        short = territory.name(*territory.resolve(sigle))
        return f"{full[sigle]} ({sigle})" if sigle in full and full[sigle] != sigle else short

    own, own_stem = own_indicators(territory.whole)
    out = []
    annual = Section("Rapports annuels d'évaluation")
    for s in sigles:
        files = [f for f in (folder / s).glob("rapport_annuel.*") if f.suffix in (".html", ".pdf")]
        if files:
            annual.rows.append((name(s), _links(folder, files)))
    prospective = Section("Prospective : scénarios, trajectoire et effort")
    for s in sigles:
        files = [f for f in (folder / "prospective" / s).glob("*") if f.suffix in (".html", ".pdf", ".csv", ".xlsx")]
        if files:
            prospective.rows.append((name(s) + " (rapport, puis échange IAMC des scénarios)", _links(folder, files)))
    syntheses = Section("Synthèses des agglomérations")
    for stem, files in sorted(_by_stem([f for f in (folder / "fiches" / "epci").glob("*") if f.suffix in (".html", ".pdf")]).items()):
        syntheses.rows.append((name(stem) if stem in sigles else stem, _links(folder, files)))
    fiches = Section("Fiches des communes (une page pour chaque maire)", group=True)
    by_code = _by_stem([f for f in (folder / "fiches" / "communes").glob("*") if f.suffix in (".html", ".pdf")])
    communes = territory.communes.assign(_key=territory.communes["nom"].map(normalise_name)).sort_values("_key")
    for sigle, g in communes.groupby("epci_sigle", sort=True):
        rows = []
        for code, nom in zip(g["code_insee"], g["nom"]):
            files = next((f for stem, f in by_code.items() if stem.split("_")[0] == code), None)
            if files:
                rows.append((nom, _links(folder, files)))
        if rows:
            fiches.rows.append((name(sigle), rows))
    exports = Section("Exports des indicateurs")
    for f in sorted(folder.glob("indicateurs_*")):
        label = (f"Indicateurs {own}, toutes les années" if f.name.startswith(f"indicateurs_{year}_{own_stem}.") else
                 f"Indicateurs {year} de toutes les communes" if "toutes_communes" in f.name else f.stem)
        exports.rows.append((label, _links(folder, [f])))
    visuals = Section("Visuels prêts à publier")
    vis = folder / "visuels"
    merged: dict[str, list[Path]] = {}
    for f in sorted(vis.glob("*")):
        if f.suffix in (".png", ".svg", ".pdf", ".html", ".txt"):
            stem = f.name.split(".")[0].split("_carre")[0].split("_paysage")[0]
            merged.setdefault(stem, []).append(f)
    for stem, files in merged.items():
        visuals.rows.append((TITLES.get(stem, stem.replace("_", " ")), _links(folder, files)))
    trace = Section("Traçabilité")
    trace.rows += [(_manifest_label(f.parent.relative_to(folder).parts, name), _links(folder, [f]))
                   for f in sorted(folder.rglob("manifest.json"))]
    log = sorted(folder.glob("execution.*"))
    if log:
        trace.rows.append(("Journal de l'exécution", _links(folder, log)))
    for s in (annual, prospective, syntheses, fiches, exports, visuals, trace):
        if s.rows:
            out.append(s)
    return out


def _text(value: str):
    """``value`` escaped as text for the template (an apostrophe stays one)."""
    import html as html_lib

    from markupsafe import Markup

    return Markup(html_lib.escape(value, quote=False))


def own_indicators(whole) -> tuple[str, str]:
    """What the yearly export of the territory's own levels covers, in words and in its file name:
    (« du Pôle et des agglomérations », ``pole_et_epci``) for a territory of several EPCIs, (« de l'agglomération »,
    ``agglomeration``) for one EPCI."""
    from ..coverage import whole_label

    noun = whole_label(whole)
    stem = normalise_name(noun).replace(" ", "_")
    if whole.epcis == 1:
        return whole.of, stem
    return f"{whole.of} et des agglomérations", f"{stem}_et_epci"


def _manifest_label(parts: tuple[str, ...], name) -> str:
    """« Manifeste des fiches des communes »: what a manifest describes, in words (never its folder path)."""
    what = {("fiches", "communes"): "des fiches des communes", ("fiches", "epci"): "des synthèses des agglomérations",
            ("visuels",): "des visuels", (): "de l’exécution"}.get(tuple(parts))
    if what is None and len(parts) == 2 and parts[0] == "prospective":
        what = f"de la prospective — {name(parts[1])}"
    if what is None and len(parts) == 1:
        what = f"du rapport annuel — {name(parts[0])}"
    return f"Manifeste {what or '— ' + ' '.join(parts)}"


def write_index(year: int, paths: Paths | None = None) -> Path:
    """Write ``reports/<year>/index.html`` (atomically) and return its path."""
    paths = paths or get_paths()
    secs = sections(year, paths)
    folder = paths.reports / str(year)
    demo = any("demo-banner" in p.read_text(encoding="utf-8", errors="ignore")
               for p in folder.glob("*/rapport_annuel.html"))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    from ..territory import whole_in_use

    html = typeset_html(env.get_template("index_annee.html.j2").render(year=year, sections=secs, demonstration=demo,
                                                                       territory=_text(whole_in_use(paths).name)))
    target = folder / "index.html"
    with atomic_file(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target

"""Provenance of an output folder: versions, commit, parameters, sha256 of inputs and outputs."""

from __future__ import annotations

import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..checksum import sha256
from ..config import Paths

KEY_LIBRARIES = ["pandas", "numpy", "matplotlib", "statsmodels", "scipy", "papermill", "nbconvert", "nbclient",
                 "ipykernel", "weasyprint", "babel", "pyarrow", "pandera", "jinja2"]
#: Files compared by ``verify``: the executed notebook carries execution timestamps by design.
COMPARED_SUFFIXES = (".html", ".pdf", ".csv", ".xlsx", ".png", ".svg", ".txt")


#: Font families the stylesheets and charts ask for (report.css, fiche.css, charts.STYLE), with the styles used.
FONT_QUERIES = ("DejaVu Sans", "DejaVu Sans:bold", "DejaVu Sans:italic")
#: System libraries that shape and draw the text of the PDFs: a different version may move glyphs.
#: HarfBuzz's subsetter, where installed, makes the PDFs' font subsets (WeasyPrint falls back to fontTools: other
#: bytes); its library answers HarfBuzz's version (its dependency), or nothing when it is absent.
SYSTEM_LIBRARIES = {"pango": ("libpango-1.0.so.0", "pango_version_string"),
                    "harfbuzz": ("libharfbuzz.so.0", "hb_version_string"),
                    "harfbuzz-subset": ("libharfbuzz-subset.so.0", "hb_version_string")}


def _library_version(soname: str, function: str) -> str | None:
    import ctypes

    try:
        lib = ctypes.CDLL(soname)
        fn = getattr(lib, function)
        fn.restype = ctypes.c_char_p
        return fn().decode()
    except (OSError, AttributeError):
        return None


def fonts_used() -> dict:
    """The font files and text libraries behind the PDFs and charts, so that ``verify`` on another
    machine can tell a font or HarfBuzz change from a change of content.

    PDF text: the file fontconfig picks for each family of the stylesheets (``fc-match``), as
    WeasyPrint (through Pango) does; charts: the file matplotlib picks. Each file with its sha256.
    """
    out: dict = {"bibliotheques_texte": {k: _library_version(*v) for k, v in SYSTEM_LIBRARIES.items()}, "fichiers": {}}
    files = {}
    for query in FONT_QUERIES:
        try:
            r = subprocess.run(["fc-match", "-f", "%{file}", query], capture_output=True, text=True, timeout=5)
            files[f"pdf: {query}"] = r.stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            files[f"pdf: {query}"] = None
    try:
        from matplotlib import font_manager

        files["graphiques: DejaVu Sans"] = font_manager.findfont("DejaVu Sans", fallback_to_default=False)
    except (ImportError, ValueError):
        files["graphiques: DejaVu Sans"] = None
    for label, f in files.items():
        out["fichiers"][label] = ({"fichier": Path(f).name, "sha256": sha256(Path(f))}
                                  if f and Path(f).is_file() else None)
    return out


def git_commit(root: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "pma_eval", "notebooks"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return out.stdout.strip() + ("-modifie" if dirty else "") if out.returncode == 0 else "inconnu"
    except (OSError, subprocess.SubprocessError):
        return "inconnu"


def build_manifest(kind: str, parameters: dict, folder: Path, paths: Paths, notebook: Path | None = None,
                   layout: list[str] | None = None) -> dict:
    """Provenance of one output folder; ``notebook`` is the report notebook that made it (an input); ``layout``,
    the layout problems of its PDF as printed (``mise_en_page``: split rows, headings at a page foot, half-empty
    pages; empty when there are none)."""
    versions = {}
    for lib in KEY_LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    processed = paths.processed / "manifest.json"
    inputs = []
    if processed.exists():
        built = json.loads(processed.read_text(encoding="utf-8"))
        inputs = [{"path": i["path"], "sha256": i["sha256"]} for i in built.get("inputs", [])]
        inputs += [{"path": f"data/processed/{o['file']}", "sha256": o["sha256"]} for o in built.get("outputs", {}).values()]
    if notebook is not None and notebook.exists():  # a changed notebook explains a changed report
        inputs.append({"path": f"notebooks/reports/{notebook.name}", "sha256": sha256(notebook)})
    if kind in ("scenarios", "annual"):
        # the scenario files are inputs too (the reference tables come through the build); the annual
        # report's « À retenir et à décider » reads the target scenario's uncovered effort
        files = sorted(paths.scenarios.glob("*.yml"))
        inputs += [{"path": str(f.relative_to(paths.root)) if f.is_relative_to(paths.root) else str(f),
                    "sha256": sha256(f)} for f in files if f.exists()]
    outputs = {p.name: sha256(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name != "manifest.json"}
    return {"rapport": kind, "parametres": parameters, "pma_eval": __version__, "commit": git_commit(paths.root),
            "python": platform.python_version(), "bibliotheques": versions, "polices": fonts_used(),
            "entrees": inputs, "sorties": outputs,
            "comparees_par_verify": [n for n in outputs if n.endswith(COMPARED_SUFFIXES)],
            **({} if layout is None else {"mise_en_page": layout})}


def write_manifest(kind: str, parameters: dict, folder: Path, paths: Paths, notebook: Path | None = None,
                   layout: list[str] | None = None) -> Path:
    m = build_manifest(kind, parameters, folder, paths, notebook, layout)
    out = folder / "manifest.json"
    out.write_text(json.dumps(m, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    return out

"""Run a report notebook with Papermill and export it to HTML (nbconvert) and PDF (WeasyPrint).

Contract (see DESIGN.md and TOOLCHAIN.md):
- parameters are checked against the notebook's ``parameters`` cell, unknown ones refused
  (Papermill itself only warns);
- a failed run keeps its executed notebook under ``reports/<year>/_echecs/`` and exports nothing;
- the output folder is written in a temporary folder and moved in place only when complete, so
  a failed run leaves the previous outputs untouched;
- HTML: code and parameter cells removed, images embedded, no script, French ``lang``;
- charts: SVG in the HTML (sharp and legible on a phone), the PNG drawn for print in the PDF;
- PDF: WeasyPrint on the same HTML, A4, running title and page numbers.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..config import Paths, get_paths
from ..errors import ConfigurationError, PmaEvalError
from ..atomic import atomic_folder
from .exports import EXPORTS
from .manifest import write_manifest

TEMPLATES = Path(__file__).resolve().parent / "templates"
_CSS = (TEMPLATES / "pma" / "report.css").read_text(encoding="utf-8")
#: Where a stylesheet's running footer names the territory (``report.css``, ``fiche.css``).
ORGANISATION = "[organisation]"


def css_string(text: str) -> str:
    """``text`` inside a CSS string in double quotes."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def report_css(whole=None) -> str:
    """The report stylesheet, its running footer naming the territory (``whole``, default: the one in use) with a
    typographic apostrophe."""
    from ..territory import whole_in_use

    whole = whole or whole_in_use()
    return _CSS.replace(ORGANISATION, css_string(whole.name.replace("'", "’")))


def publisher(paths: Paths | None = None) -> tuple:
    """(:class:`pma_eval.territory.Whole`, programme) of the territory of ``paths``: its names and the name of its
    programme (the declaration's optional ``programme:``, the cover's subtitle; empty without one)."""
    from ..declaration import in_use_or_default
    from ..territory import whole_in_use

    paths = paths or get_paths()
    decl = in_use_or_default(paths)
    return whole_in_use(paths), decl.programme if decl is not None else ""


def __getattr__(name: str):
    if name == "CSS":  # the stylesheet of the territory in use
        return report_css()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: Report kinds → notebook stem under notebooks/reports and output file stem.
REPORTS = {"annual": ("annual_evaluation", "rapport_annuel"), "fiche": ("fiche_commune", "fiche"),
           "scenarios": ("prospective_scenarios", "rapport_prospective")}


class ReportFailed(PmaEvalError):
    """A notebook cell failed: exit status 1; the executed notebook is kept for diagnosis."""

    exit_code = 1

    def __init__(self, message: str, notebook: Path):
        super().__init__(message)
        self.notebook = notebook

    def __reduce__(self):  # raised in a worker process of the yearly run, re-raised in the parent
        return type(self), (str(self), self.notebook)


@dataclass(frozen=True)
class ReportResult:
    folder: Path
    html: Path
    pdf: Path
    notebook: Path


@contextlib.contextmanager
def _env(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _ipc_kernel_manager_class():
    """A kernel manager on IPC sockets in a private temporary folder.

    Since ipykernel 7.3 a TCP kernel prints a warning on stderr at every start, which would
    clutter scheduled runs' mail; IPC transport is also the more private choice on a shared
    machine.
    """
    import atexit

    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            folder = tempfile.mkdtemp(prefix="pma-eval-kernel-")
            atexit.register(shutil.rmtree, folder, True)
            self.transport = "ipc"
            self.ip = os.path.join(folder, "kernel")

    return IPCKernelManager


def notebook_path(kind: str, paths: Paths) -> Path:
    if kind not in REPORTS:
        raise ConfigurationError(f"rapport inconnu : {kind} (rapports : {', '.join(REPORTS)})")
    return paths.notebooks / "reports" / f"{REPORTS[kind][0]}.ipynb"


def check_parameters(notebook: Path, parameters: dict) -> None:
    """Refuse parameters that the notebook's ``parameters`` cell does not declare."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ConfigurationError(
            f"paramètre(s) inconnu(s) pour le carnet {notebook.name} : {', '.join(unknown)} "
            f"(paramètres admis : {', '.join(declared)})")


def _strip_noise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop stderr streams (warnings) and volatile metadata before export."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
    nb.metadata.pop("papermill", None)
    return nb


def export_html(nb: nbformat.NotebookNode, title: str, paths: Paths | None = None) -> str:
    """Self-contained French HTML of an executed notebook (no code, no script); its cover and running footer name
    the territory of ``paths`` (default: the one in use)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    from ..report.blocks import typeset_html

    exporter = HTMLExporter(template_name="pma", extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={"parameters", "injected-parameters", "remove"}), enabled=True)
    # the cover is stamped while the report shows its demonstration banner (any demonstration value)
    demo = any('class="demo-banner"' in "".join(o.get("data", {}).get("text/html", ""))
               for c in nb.cells for o in c.get("outputs", []))
    whole, programme = publisher(paths)
    body, _ = exporter.from_notebook_node(_strip_noise(nb), resources={
        "pma_title": title, "pma_css": report_css(whole),
        "pma_cover": _cover(title, demo, whole.name, programme)})
    return typeset_html(spell_out(_with_toc(keep_headings_with_next(body)), paths))


_RENDERED = r'<div class="jp-OutputArea-child">\s*<div class="[^"]*jp-RenderedHTML[^"]*"[^>]*>'
#: A notebook output holding only a heading (each ``show``n block is an output of its own), and the opening of the
#: output after it in the same cell.
_HEADING_OUTPUT = re.compile("(" + _RENDERED + r")\s*(<h[234][\s>](?:(?!</?div)[^<]|<(?!/?div)[^>]*>)*?</h[234]>)\s*"
                             r"</div>\s*</div>\s*" + _RENDERED)


def keep_headings_with_next(body: str) -> str:
    """Each output that is only a heading joins the output that follows it in its cell: WeasyPrint keeps a heading
    with the block after it (``break-after: avoid``) only when they are siblings, and the notebook wraps every
    output in boxes of its own, so a heading could end a page while its chart opened the next (CABBALR 2023,
    page 7). The text and its order are unchanged."""
    return _HEADING_OUTPUT.sub(r"\1\2", body)


def spell_out(body: str, paths: Paths | None = None) -> str:
    """Each acronym of the glossary of the territory of ``paths`` (default: the one in use) spelled out at its first use in running text of ``<main>`` (a
    paragraph or a list item: « SNBC (stratégie nationale bas-carbone) »), and marked ``<abbr>`` with its
    meaning at its first use in a table or a heading before that. An acronym that the sentence has just
    spelled out itself (« du plan national de réduction … (PRÉPA, décret …) ») gets no second gloss."""
    import html as html_lib
    import re

    from ..declaration import in_use_or_default
    from ..vocabulary import glossary

    head, sep, main = body.partition("<main>")
    if not sep:
        return body
    todo = {k: v["long"] for k, v in glossary(in_use_or_default(paths)).items() if k.isupper() or k[:-1].isupper()}
    pattern = re.compile(r"(?<![\w'’/-])(" + "|".join(map(re.escape, sorted(todo, key=len, reverse=True))) + r")(?![\w'’/-])")
    out, stack, titled = [], [], set()
    for part in re.split(r"(<[^>]+>)", main):
        if part.startswith("<"):
            m = re.match(r"<(/?)([a-zA-Z0-9]+)", part)
            if m and not part.endswith("/>"):
                (stack.pop() if m.group(1) and stack and stack[-1] == m.group(2).lower() else
                 None if m.group(1) else stack.append(m.group(2).lower()))
            out.append(part)
            continue
        if not todo or any(t in stack for t in ("style", "script", "nav", "code", "caption", "figcaption", "abbr", "a")):
            out.append(part)
            continue
        running = any(t in stack for t in ("p", "li")) and not any(t in stack for t in ("td", "th", "h1", "h2", "h3"))

        def sub(m: re.Match) -> str:
            k = m.group(1)
            if k not in todo:
                return k
            meaning = html_lib.escape(todo[k])
            if running:
                long = todo.pop(k)
                s, e = m.string[:m.start()], m.string[m.end():]
                if _folded(long) in _folded(s[-400:]):  # the text itself just spelled it out
                    return f'<abbr title="{meaning}">{k}</abbr>'
                if s.endswith("(") and e.startswith(")"):  # already in parentheses: « (INSEE, Institut…) »
                    return f'<abbr title="{meaning}">{k}</abbr>, {meaning}'
                return f'<abbr title="{meaning}">{k}</abbr> ({meaning})'
            if k in titled:
                return k
            titled.add(k)
            return f'<abbr title="{meaning}">{k}</abbr>'

        out.append(pattern.sub(sub, part))
    return head + sep + "".join(out)


def _folded(text: str) -> str:
    """Lower case, entities decoded, straight apostrophes, single spaces: to find a spelled-out name in a
    sentence."""
    import html
    import re

    return re.sub(r"\s+", " ", html.unescape(text).lower().replace("\u2019", "'"))


def _template(name: str):
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES / "pma")), autoescape=True)
    return env.get_template(name)


def _cover(title: str, demonstration: bool = False, organisation: str = "", programme: str = "") -> str:
    """Cover page (template ``pma/cover.html.j2``): the territory's name and programme, the title, a stamp while
    the document shows demonstration values."""
    import html as html_lib

    from markupsafe import Markup

    def text(value: str) -> Markup:  # escaped as text (an apostrophe stays one)
        return Markup(html_lib.escape(value, quote=False))

    return _template("cover.html.j2").render(title=title, demonstration=demonstration, organisation=text(organisation),
                                             programme=text(programme))


#: What a notebook shows (``Text("", "toc-here")``) where the table of contents should go.
TOC_MARKER = '<p class="toc-here"></p>'


def _with_toc(body: str) -> str:
    """Insert a table of contents of the h2 sections after the cover (page numbers in the PDF)."""
    import re

    entries = []

    def renumber(m: re.Match) -> str:
        # Plain ASCII ids: WeasyPrint resolves target-counter() links with them reliably.
        entries.append(m.group(2))
        return m.group(0).replace(m.group(1), f"section-{len(entries)}", 1)

    body = re.sub(r'<h2 id="([^"]+)">(.*?)(?=<a class="anchor-link")', renumber, body)
    body = re.sub(r'<a class="anchor-link" href="[^"]*">¶</a>', "", body)  # pilcrow links: screen clutter
    if not entries:
        return body.replace(TOC_MARKER, "")
    toc = _template("toc.html.j2").render(entries=entries)
    if TOC_MARKER in body:  # the notebook says where the contents go (after « À retenir et à décider »)
        return body.replace(TOC_MARKER, toc, 1)
    return body.replace("<main>", toc + "<main>", 1)


#: A chart as a report block shows it (``report/templates/blocks.html.j2``): its SVG for screens (and, for a phone,
#: a ``<source>`` with a ``media`` query: the chart laid out for its width), its PNG for print, in a ``<picture>``
#: whose attributes nbconvert may have reordered.
_PICTURE = re.compile(r"<picture>\s*((?:<source\b[^>]*>\s*)+)<img\b([^>]*?)/?>\s*</picture>")
_SOURCE = re.compile(r"<source\b[^>]*>")
_SRC = re.compile(r'\s(src|srcset|media)="([^"]*)"')


_IMG = re.compile(r"<img\b[^>]*?/?>")


def _one_image(html_text: str, kind: str) -> str:
    def image(m: re.Match) -> str:
        sources = _SOURCE.findall(m.group(1))
        wide = next((dict(_SRC.findall(s)).get("srcset", "") for s in sources if "media" not in dict(_SRC.findall(s))),
                    "")
        phone = [s for s in sources if "media" in dict(_SRC.findall(s))]
        img = dict(_SRC.findall(m.group(2))).get("src", "")
        if not (wide.startswith("data:image/svg+xml") and img.startswith("data:image/png")):
            return m.group(0)
        tag = _IMG.search(m.group(0)).group(0)  # the template's own <img>, its source swapped for screens
        if kind != "svg":
            return tag
        tag = tag.replace(img, wide, 1)
        return f"<picture>{phone[0]}{tag}</picture>" if phone else tag

    return _PICTURE.sub(image, html_text)


def for_screen(html_text: str) -> str:
    """The published HTML: each chart as SVG only (text kept as text, sharp on a phone), its print PNG left out; a
    chart with a phone variant keeps it in a ``<picture>``, for screens 44 rem wide at most."""
    return _one_image(html_text, "svg")


def for_print(html_text: str) -> str:
    """The HTML that WeasyPrint lays out: each chart as its PNG drawn for the printed page, its SVG left out."""
    return _one_image(html_text, "png")


def export_pdf(html_text: str, target: Path, base_url: str | None = None) -> list[str]:
    """A4 PDF of the report HTML with WeasyPrint (charts as their print PNG, :func:`for_print`), a chart that
    would leave a page more than a third empty placed after the text that follows it
    (:func:`pma_eval.publish.pagination.place_figures`). Returns the layout problems of the PDF as printed
    (:func:`pma_eval.publish.pagination.document_problems`: split rows, headings at a page foot, half-empty
    pages), read from the same layout, which the manifest records."""
    from .pagination import document_problems, place_figures
    from .pdf import prepare_weasyprint

    prepare_weasyprint()  # dates pinned, loggers quiet, the charts' RGB PNGs embedded as they are
    # PDF/UA-1: tagged PDF (structure tree, language), rendered identically to the plain variant here.
    _, document = place_figures(for_print(html_text), base_url, pdf_variant="pdf/ua-1")
    document.write_pdf(target, pdf_variant="pdf/ua-1")
    return document_problems(document)


def run_report(kind: str, parameters: dict, title: str, paths: Paths | None = None,
               out_dir: Path | None = None, stem_suffix: str = "", engine: str = "pma_eval") -> ReportResult:
    """Execute a report notebook and write ``.ipynb``, ``.html`` and ``.pdf`` to ``out_dir``.

    Parameters
    ----------
    kind : str
        Report kind (``"annual"``).
    parameters : dict
        Papermill parameters; unknown names are refused.
    title : str
        Title of the document (HTML ``<title>`` and PDF running header).
    out_dir : Path, optional
        Default ``reports/<year>/<territoire>``.
    engine : str
        Papermill engine: ``"pma_eval"`` runs the cells in this process (:mod:`.engine`; in a process that
        already has an IPython shell, a kernel is used instead), ``"nbclient"`` in a new Jupyter kernel
        (Papermill's default). The published files are the same.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from . import engine as _engine  # registers the in-process engine with Papermill

    if engine == _engine.ENGINE_NAME and not _engine.available():
        engine = "nbclient"  # called from a Jupyter kernel: the report gets a kernel of its own
    paths = paths or get_paths()
    nb_in = notebook_path(kind, paths)
    check_parameters(nb_in, parameters)
    year = str(parameters.get("year", "tous"))
    if out_dir is None:  # reports/<year>/<territoire>, the whole territory by its code by default
        from ..territory import whole_in_use

        out_dir = paths.reports / year / str(parameters.get("territoire") or whole_in_use(paths).code)
    out_dir = Path(out_dir)
    stem = REPORTS[kind][1] + stem_suffix
    with atomic_folder(out_dir) as tmp:
        executed = tmp / f"{stem}.ipynb"
        # the notebook reads the territory of ``paths`` (its declaration, its processed tables)
        with _env(PMA_EVAL_ROOT=str(paths.root), PMA_EVAL_TERRITOIRE=paths.territory, PYTHONWARNINGS="ignore"):
            try:
                # The notebook is written once, at the end (or with its traceback when a cell fails), not
                # after every cell: a killed run leaves only its temporary folder, which the next run removes.
                papermill.execute_notebook(str(nb_in), str(executed), parameters=parameters, cwd=str(paths.root),
                                           kernel_name="python3", progress_bar=False, log_output=False,
                                           request_save_on_cell_execute=False, engine_name=engine,
                                           **({"kernel_manager_class": _ipc_kernel_manager_class()}
                                              if engine == "nbclient" else {}))
            except PapermillExecutionError as exc:
                failed_dir = paths.reports / year / "_echecs"
                failed_dir.mkdir(parents=True, exist_ok=True)
                kept = failed_dir / f"{stem}_{parameters.get('territoire', '')}.ipynb".replace("_.ipynb", ".ipynb")
                shutil.copyfile(executed, kept)
                raise ReportFailed(
                    f"le carnet {nb_in.name} a échoué à la cellule {exc.exec_count} : {exc.ename} : {exc.evalue}. "
                    f"Carnet exécuté conservé : {kept}", kept) from None
        nb = nbformat.read(executed, as_version=4)
        html_text = export_html(nb, title, paths)
        html_path = tmp / f"{stem}.html"
        html_path.write_text(for_screen(html_text), encoding="utf-8")
        layout = export_pdf(html_text, tmp / f"{stem}.pdf")
        if kind in EXPORTS:  # data files of the report (IAMC tables), written by publish, not by the notebook
            EXPORTS[kind](parameters, tmp, paths)
        write_manifest(kind, {"title": title, **parameters}, tmp, paths, notebook=nb_in, layout=layout)
    return ReportResult(out_dir, out_dir / f"{stem}.html", out_dir / f"{stem}.pdf", out_dir / f"{stem}.ipynb")

"""Write the processed tables and their manifest atomically: all or nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from .. import __version__
from ..atomic import atomic_folder
from ..checksum import sha256
from .common import BuildReport


#: Libraries whose version can change what a build writes (parsing, arithmetic, Parquet).
BUILD_LIBRARIES = ("numpy", "pandas", "pandera", "pyarrow", "PyYAML", "openpyxl")


def code_fingerprint() -> str:
    """sha256 of the package's code and declarations and of the versions of the libraries that parse and compute:
    what :func:`inputs_fingerprint` covers besides the raw files and the key (≈ 10 ms)."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(__version__.encode())
    for pattern in ("*.py", "*.yml"):
        for p in sorted(q for q in package.rglob(pattern) if q.is_file() and "__pycache__" not in q.parts):
            h.update(f"{p.relative_to(package).as_posix()}\0{sha256(p)}\n".encode())
    for lib in BUILD_LIBRARIES:
        try:
            h.update(f"{lib}=={version(lib)}\n".encode())
        except PackageNotFoundError:
            h.update(f"{lib} absent\n".encode())
    return h.hexdigest()


def inputs_fingerprint(raw: Path, root: Path | None = None) -> str:
    """One sha256 over everything a build depends on: every file under ``raw`` (path and content), the
    package's own code and declarations (a changed reader or catalogue rebuilds too), the versions of the
    libraries that parse and compute, the project's territory declarations (``territoires/``: names, tables and
    the files each owns) and the pseudonymisation key of the project (hashed, never stored)."""
    import hashlib

    from ..activity.readers import configured_key
    from ..config import DECLARATIONS_DIR

    h = hashlib.sha256(code_fingerprint().encode())
    for p in sorted(q for q in Path(raw).rglob("*") if q.is_file()):
        h.update(f"{p.relative_to(raw).as_posix()}\0{sha256(p)}\n".encode())
    declarations = Path(root) / DECLARATIONS_DIR if root is not None else None
    if declarations is not None and declarations.is_dir():
        for p in sorted(declarations.glob("*.yml")):
            h.update(f"{DECLARATIONS_DIR}/{p.name}\0{sha256(p)}\n".encode())
    key = configured_key(root)
    h.update(hashlib.sha256(f"pma-eval:{key}".encode()).digest() if key else b"sans cle")
    return h.hexdigest()


def is_current(raw: Path, processed: Path, root: Path | None = None) -> bool:
    """Whether ``processed`` was built from exactly what :func:`inputs_fingerprint` covers, and is intact
    (every table's sha256 as its manifest says)."""
    try:
        manifest = json.loads((Path(processed) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest.get("inputs_fingerprint") != inputs_fingerprint(raw, root):
        return False
    outputs = manifest.get("outputs", {}).values()
    return all((Path(processed) / o["file"]).is_file() and sha256(Path(processed) / o["file"]) == o["sha256"]
               for o in outputs)


def write_processed(tables: dict[str, pd.DataFrame], report: BuildReport, processed: Path,
                    fingerprint: str | None = None) -> Path:
    """Write the tables and the manifest atomically: all or nothing (:func:`pma_eval.atomic.atomic_folder`)."""
    processed = Path(processed)
    with atomic_folder(processed) as tmp:
        (tmp / ".gitkeep").write_bytes(b"")
        contours = tables.pop("_contours", None)
        if contours is not None:
            shutil.copyfile(contours, tmp / "communes.geojson")
            report.outputs["contours"] = {"file": "communes.geojson", "rows": 0, "sha256": sha256(tmp / "communes.geojson")}
        for name, df in tables.items():
            out = tmp / f"{name}.parquet"
            df.to_parquet(out, index=False)
            report.outputs[name] = {"file": out.name, "rows": int(len(df)), "sha256": sha256(out)}
        manifest = {"pma_eval_version": __version__, "inputs_fingerprint": fingerprint, "inputs": report.inputs, "outputs": report.outputs,
                    "precedence": report.precedence, "notes": report.notes, "warnings": report.warnings, "extent": report.extent,
                    "plausibility": report.plausibility, "parts": report.parts}
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return processed / "manifest.json"

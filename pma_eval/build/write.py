"""Write the processed tables and their manifest atomically: all or nothing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from .. import __version__
from ..checksum import sha256
from .common import BuildReport


def write_processed(tables: dict[str, pd.DataFrame], report: BuildReport, processed: Path) -> Path:
    """Write the tables and the manifest atomically: all or nothing."""
    processed = Path(processed)
    parent = processed.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".processed-", dir=parent))
    old = None
    try:
        (tmp / ".gitkeep").write_bytes(b"")
        contours = tables.pop("_contours", None)
        if contours is not None:
            shutil.copyfile(contours, tmp / "communes.geojson")
            report.outputs["contours"] = {"file": "communes.geojson", "rows": 0, "sha256": sha256(tmp / "communes.geojson")}
        for name, df in tables.items():
            out = tmp / f"{name}.parquet"
            df.to_parquet(out, index=False)
            report.outputs[name] = {"file": out.name, "rows": int(len(df)), "sha256": sha256(out)}
        manifest = {"pma_eval_version": __version__, "inputs": report.inputs, "outputs": report.outputs,
                    "precedence": report.precedence, "warnings": report.warnings, "extent": report.extent}
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        if processed.exists():
            old = parent / f".processed-old-{os.getpid()}"
            os.rename(processed, old)
        os.rename(tmp, processed)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not processed.exists():
            os.rename(old, processed)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return processed / "manifest.json"


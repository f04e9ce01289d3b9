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


def write_processed(tables: dict[str, pd.DataFrame], report: BuildReport, processed: Path) -> Path:
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
        manifest = {"pma_eval_version": __version__, "inputs": report.inputs, "outputs": report.outputs,
                    "precedence": report.precedence, "warnings": report.warnings, "extent": report.extent}
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return processed / "manifest.json"

"""Reproducible XLSX files: the same table gives the same bytes from one run to the next.

openpyxl stamps the document properties with the time of saving and zipfile stamps every entry
with the clock; both are replaced by a fixed instant (``SOURCE_DATE_EPOCH``, default 2000-01-01).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path


#: The instant published files carry when ``SOURCE_DATE_EPOCH`` is not set: 2000-01-01 UTC.
DEFAULT_EPOCH = "946684800"


def pin_source_date_epoch() -> None:
    """Set ``SOURCE_DATE_EPOCH`` (if unset) before writing a PDF: without HarfBuzz's subsetter, WeasyPrint
    subsets fonts with fontTools, which stamps each font's ``head`` table with the clock unless it is set."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", DEFAULT_EPOCH)


def fixed_instant() -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` (reproducible-builds.org convention) or 2000-01-01, in UTC."""
    return dt.datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH)), dt.timezone.utc)


def make_reproducible(path: str | Path) -> Path:
    """Rewrite an XLSX (a zip) in place with fixed entry times and document dates."""
    path = Path(path)
    stamp = fixed_instant()
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + iso + rb"\g<2>",
                              data)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            z.writestr(fixed, data)
    return path

"""Published files must not depend on the clock: XLSX written twice are byte-identical."""

from __future__ import annotations

import time
import zipfile

import pandas as pd

from pma_eval.xlsx import make_reproducible


def _write(path):
    with pd.ExcelWriter(path, engine="openpyxl") as w:
        pd.DataFrame({"annee": [2030, 2050], "valeur": [1.5, 0.25]}).to_excel(w, sheet_name="data", index=False)
    return make_reproducible(path)


def test_xlsx_written_twice_is_identical(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a = _write(tmp_path / "a.xlsx")
    time.sleep(2.1)  # zip times have a 2-second resolution
    b = _write(tmp_path / "b.xlsx")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z" in z.read("docProps/core.xml")
    assert pd.read_excel(a, sheet_name="data")["valeur"].tolist() == [1.5, 0.25]  # still a valid workbook


def test_source_date_epoch_is_honoured(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    with zipfile.ZipFile(_write(tmp_path / "c.xlsx")) as z:
        assert z.infolist()[0].date_time == (2023, 11, 14, 22, 13, 20)

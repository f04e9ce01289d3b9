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


def test_verify_names_a_raw_file_changed_since_the_build(built_paths, tmp_path):
    """Issue 25, point 4: after a one-byte change to a raw file, verify said « identique » with exit 0 (it
    compares the processed inputs). It now names the raw file and says what to run first."""
    from ..conftest import copy_of_build

    from pma_eval.publish.run import raw_changes

    paths = copy_of_build(built_paths, tmp_path / "projet")
    assert raw_changes(paths) == []  # a fresh copy: the processed data reflect data/raw
    f = paths.raw / "objectifs" / "objectifs_qualite_air_prepa.csv"
    f.write_bytes(f.read_bytes() + b"\n")  # one byte more
    lines = raw_changes(paths)
    assert lines[0] == "fichier brut modifié depuis la dernière construction : data/raw/objectifs/objectifs_qualite_air_prepa.csv"
    assert "lancez « pma-eval data build »" in lines[-1]

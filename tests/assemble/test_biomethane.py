"""The real biomethane register (issue 26): read as published, in its 2023 and older layouts, sites placed
by their INSEE code, counted in the years they are in service, and a real zero where the register has no
site.

Every row below is copied from the shipped file ``data/raw/renouvelables/points-injection-biomethane_2023-05-29.csv``
(ODRÉ « Points d'injection de biométhane en France », export of 29 May 2023); the expected numbers are sums
written by hand from its ``Capacite de production (GWh/an)`` column (GWh a year × 1000 = MWh a year).
"""

from __future__ import annotations

import pandas as pd
import pytest

from pma_eval.assemble.common import BuildReport, RawFile
from pma_eval.assemble.steps import biomethane_in_service, renewables_heat
from pma_eval.errors import InputDataError
from pma_eval.sources import read_communes
from pma_eval.sources._table import normalise_name
from pma_eval.sources.heat import read_biomethane_register
from pma_eval.sources.layouts import identify
from pma_eval.territory import Territory

from ..conftest import REPO

REAL = REPO / "data/raw/renouvelables/points-injection-biomethane_2023-05-29.csv"
CALL, CAHC, CABBALR = "246200364", "246200299", "200072460"
HEADER = ("Annee mise en service;Nom du site;Type de site;Commune;Coordonnees;Code EPCI;EPCI;Departement;Region;"
          "Date de mise en service;Reseau;Type de Réseau;Capacite de production (GWh/an);Gestionnaire de registre;"
          "N° de PITD/PITP;Code Departement;Code Region;Augmentation prévue ?;\ufeffID unique projet;"
          "Date de fermeture du site;Site ouvert ?;Code Commune Courant")
#: Lines 10, 62, 552 (the Pôle's three sites), 551 (the register's only closed site), 5 (a site without
#: commune or code) of the shipped file.
ROWS = [
    "2023;AGRIMETHALYS;Agricole territorial;Lillers;50.5614379612, 2.48197499021;200072460;CA de Béthune-Bruay, "
    "Artois-Lys Romane;Pas-de-Calais;Hauts-de-France;2023-01-12;GRDF;Distribution;26.814;GRTgaz;GD0998;62;32;"
    "Aucune augmentation supplémentaire prévue;126;;True;62516",
    "2022;AGRI UNION BIOENERGIE;Agricole autonome;Dourges;50.4393889238, 2.98726838092;246200299;CA d'Hénin-Carvin;"
    "Pas-de-Calais;Hauts-de-France;2022-04-28;GRDF;Distribution;21.4512;GRTgaz;GD0991;62;32;"
    "Aucune augmentation supplémentaire prévue;437;;True;62274",
    "2015;SYMEVAD;Déchets ménagers;Hénin-Beaumont;50.4092335517, 2.95899735168;246200299;CA d'Hénin-Carvin;"
    "Pas-de-Calais;Hauts-de-France;2015-09-22;GRDF;Distribution;32.1768;GRTgaz;GD0991;62;32;"
    "Aucune augmentation supplémentaire prévue;35;;True;62427",
    "2015;SARL SIOULE - BIOGAZ;Agricole autonome;Grandrieux;49.7291718471, 4.1879249496;240200634;"
    "CC des Portes de la Thiérache;Aisne;Hauts-de-France;2015-07-21;GRDF;Distribution;3.0;GRTgaz;GD0413;02;32;"
    "Aucune augmentation supplémentaire prévue;31;2021-07-13;False;02354",
    "2023;ENERGIE FERMIERE;Agricole autonome;;;;;;;2023-02-23;SOREGIES;Distribution;11.1725;GRTgaz;VN0002;;52;"
    "Aucune augmentation supplémentaire prévue;1079;;True;",
]


@pytest.fixture(scope="module")
def territory() -> Territory:
    return Territory.from_communes(read_communes(REPO / "data/raw/territoire/pma_communes.csv"))


def _names(t: Territory) -> dict[str, str]:
    return {normalise_name(n): c for c, n in zip(t.communes["code_insee"], t.communes["nom"])}


def _file(tmp_path, header: str, rows: list[str]):
    p = tmp_path / "points-injection.csv"
    p.write_bytes(("\ufeff" + "\n".join([header, *rows]) + "\n").encode("utf-8"))  # UTF-8 with BOM, as published
    return p


def test_the_2023_layout_is_recognised_and_read_by_insee_code(tmp_path, territory):
    p = _file(tmp_path, HEADER, ROWS)
    assert identify(p).id == "odre_biomethane_2023"
    df = read_biomethane_register(p, communes=_names(territory))
    assert df.attrs["layout"] == "odre_biomethane_2023"
    assert df["code_insee"].tolist() == ["62516", "62274", "62427"]
    assert df["capacity_mwh"].tolist() == pytest.approx([26_814.0, 21_451.2, 32_176.8])  # GWh/an × 1000
    assert df["commissioning_date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-01-12", "2022-04-28", "2015-09-22"]
    assert df.attrs["outside"]["rows"] == 1 and df.attrs["no_commune"]["rows"] == 1
    assert (df.attrs["first_commissioning"], df.attrs["latest_commissioning"]) == ("2015-07-21", "2023-02-23")
    everything = read_biomethane_register(p)  # no territory: every placed site, the closed one said closed
    closed = everything.set_index("name").loc["SARL SIOULE - BIOGAZ"]
    assert (closed["code_insee"], bool(closed["open"]), str(closed["closing_date"].date())) == ("02354", False, "2021-07-13")


def test_the_code_places_a_site_not_its_name(tmp_path, territory):
    """A row whose commune name is that of a commune of the Pôle but whose INSEE code is elsewhere stays out."""
    wrong = ROWS[2].replace(";62427", ";59350")  # Hénin-Beaumont by name, Lille by code
    df = read_biomethane_register(_file(tmp_path, HEADER, [wrong]), communes=_names(territory))
    assert df.empty and df.attrs["outside"]["rows"] == 1


def test_an_older_layout_with_code_insee_commune_is_recognised(tmp_path, territory):
    header = ("Nom du site;Type de site;Commune;Code INSEE Commune;Code INSEE EPCI;Departement;Region;"
              "Date de mise en service;Capacite de production (GWh/an)")
    rows = ["SYMEVAD;Déchets ménagers;Hénin-Beaumont;62427;246200299;Pas-de-Calais;Hauts-de-France;22/09/2015;32,1768"]
    p = _file(tmp_path, header, rows)
    assert identify(p).id == "odre_biomethane_insee"
    df = read_biomethane_register(p, communes=_names(territory))
    assert df["code_insee"].tolist() == ["62427"] and df["commissioning_year"].tolist() == [2015.0]
    assert df["capacity_mwh"].tolist() == pytest.approx([32_176.8])


def test_an_unknown_layout_is_refused_with_the_known_ones(tmp_path):
    p = _file(tmp_path, "Nom du site;Puissance (MW)", ["SYMEVAD;3"])
    with pytest.raises(InputDataError) as exc:
        read_biomethane_register(p, "reg.csv")
    assert "disposition de fichier inconnue" in exc.value.problems[0].message


def test_year_rule_in_service_at_31_december():
    """Counted from the commissioning year, not in the closing year nor after it."""
    sites = pd.DataFrame({"name": ["A", "B"], "code_insee": ["02354", "62427"],
                          "commissioning_year": [2015.0, 2015.0], "capacity_mwh": [3000.0, 32_176.8],
                          "closing_date": pd.to_datetime(["2021-07-13", None]), "open": [False, True]})
    live = biomethane_in_service(sites, 2023, first=2011)
    assert min(live) == 2011 and max(live) == 2023
    assert [len(live[y]) for y in (2014, 2015, 2020, 2021, 2023)] == [0, 2, 2, 1, 1]


def _by_epci(territory, tmp_path=None):
    meta = {"format": "odre_biomethane", "nature": "observed",
            "options": {"snapshot_year": 2023, "snapshot_date": "2023-05-29"}}
    df = read_biomethane_register(REAL, "reg", _names(territory))
    out = renewables_heat({"odre_biomethane": [(RawFile(REAL, meta, "reg"), df)]}, territory, BuildReport())
    return out[out["geo_level"] == "epci"].set_index(["geo_code", "year", "variable"])


def test_the_real_register_gives_capacity_by_epci_from_commissioning(territory):
    e = _by_epci(territory)
    # CAHC 2023: SYMEVAD 32,1768 + AGRI UNION BIOENERGIE 21,4512 = 53,628 GWh/an, two sites.
    assert e.loc[(CAHC, 2023, "injection_capacity"), "value"] == pytest.approx(32_176.8 + 21_451.2)
    assert e.loc[(CAHC, 2023, "installations"), "value"] == 2
    assert e.loc[(CAHC, 2021, "injection_capacity"), "value"] == pytest.approx(32_176.8)  # before Dourges
    assert e.loc[(CAHC, 2015, "installations"), "value"] == 1  # commissioned 22/09/2015: counts in 2015
    assert e.loc[(CAHC, 2014, "installations"), "value"] == 0
    # CABBALR: AGRIMETHALYS, Lillers, 12/01/2023, 26,814 GWh/an; none before.
    assert e.loc[(CABBALR, 2023, "injection_capacity"), "value"] == pytest.approx(26_814.0)
    assert e.loc[(CABBALR, 2022, "installations"), "value"] == 0
    # The CALL: 0 sites, observed (the register lists every site of France), every year from 2011.
    call = e.xs(CALL, level="geo_code")
    assert (call["value"] == 0).all() and (call["nature"] == "observed").all()
    assert sorted(call.index.get_level_values("year").unique()) == list(range(2011, 2024))
    # 2023 is known to 29 May only: a lower bound; 2022 is whole.
    assert not e.loc[(CAHC, 2023, "injection_capacity"), "complete"]
    assert e.loc[(CAHC, 2022, "injection_capacity"), "complete"]
    # The register gives no injected energy.
    assert "production" not in set(e.index.get_level_values("variable"))


def test_data_add_takes_the_published_register_with_its_date(tmp_path, monkeypatch):
    """``pma-eval data add`` recognises the 2023 export, keeps it whole in ``renouvelables/`` and reads the
    register's date from its name (2023-05-29): the years it speaks for run from the first commissioning
    in France (17/06/2011) to 2023."""
    import shutil

    import yaml

    from pma_eval.acquire import add
    from pma_eval.config import get_paths

    for var in ("PMA_EVAL_RAW_DIR", "PMA_EVAL_PROCESSED_DIR", "PMA_EVAL_REPORTS_DIR"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "projet/data/raw/territoire").mkdir(parents=True)
    shutil.copy(REPO / "data/raw/territoire/pma_communes.csv", tmp_path / "projet/data/raw/territoire/")
    src = tmp_path / REAL.name
    shutil.copy(REAL, src)
    result = add(src, get_paths(tmp_path / "projet"))
    assert result.path == tmp_path / "projet/data/raw/renouvelables" / REAL.name
    assert result.path.read_bytes() == REAL.read_bytes()
    assert (result.years[0], result.years[-1]) == (2011, 2023)
    meta = yaml.safe_load(result.path.with_name(REAL.name + ".meta.yml").read_text(encoding="utf-8"))
    assert (meta["format"], meta["layout"], meta["nature"]) == ("odre_biomethane", "odre_biomethane_2023", "observed")
    assert meta["options"] == {"snapshot_year": 2023, "snapshot_date": "2023-05-29"}

"""Renewable heat and gas (issue 16): the production template and the biomethane register are read
as published, a filled template for one EPCI goes through the build, the export and the report, and
the renewable share of final consumption is judged against the national targets."""

from __future__ import annotations

import csv

import pytest

from pma_eval.errors import InputDataError
from pma_eval.processed import load
from pma_eval.sources.heat import read_biomethane_register, read_heat_production

from .added import CAHC, CAHC_HEAT, HEAT_2022


def test_template_reads_units_and_spellings(tmp_path):
    p = tmp_path / "prod.csv"
    p.write_text("territoire;annee;filiere;valeur;unite;source\n"
                 "CALL;2022;Bois domestique;310 000;MWh;ORE\n"
                 "CALL;2022;PAC;95,5;GWh;ORE\n"
                 "62498;2022;chaleur fatale;18 500 000;kWh;réseau\n", encoding="utf-8")
    df = read_heat_production(p)
    assert df["technology"].tolist() == ["bois_domestique", "pompes_a_chaleur", "chaleur_recuperation"]
    # 95,5 GWh = 95 500 MWh; 18 500 000 kWh = 18 500 MWh (by hand).
    assert df["value"].tolist() == [310_000.0, 95_500.0, 18_500.0]


def test_template_error_names_file_line_column_and_value(tmp_path):
    p = tmp_path / "prod.csv"
    p.write_text("territoire;annee;filiere;valeur;unite;source\nCALL;2022;charbon de bois;12;MWh;x\n", encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        read_heat_production(p, "data/raw/prod.csv")
    pb = exc.value.problems[0]
    assert (pb.file, pb.line, pb.column, pb.value) == ("data/raw/prod.csv", 2, "filiere", "charbon de bois")
    assert "filière inconnue" in pb.message


REGISTER = ("nom_du_projet;site;grx_demandeur;date_de_mes;capacite_de_production_gwh_an;type_de_reseau;commune;departement\n"
            "Méthanisation A;Agricole autonome;GRDF;14/03/2017;18,0;Distribution;Gonnehem;Pas-de-Calais\n"
            "Méthanisation B;Agricole territorial;GRDF;2020-10-02;25;Distribution;DOURGES;62\n"
            "Méthanisation C;Agricole autonome;GRTgaz;05/05/2019;40;Transport;Gonnehem;Nord\n"
            "Méthanisation D;Agricole autonome;GRTgaz;05/05/2019;40;Transport;Lille;Nord\n")


def test_register_by_commune_name_keeps_the_territory_sites(tmp_path):
    p = tmp_path / "reg.csv"
    p.write_text(REGISTER, encoding="utf-8")
    names = {"gonnehem": "62376", "dourges": "62274"}
    df = read_biomethane_register(p, communes=names)
    # Only the Pas-de-Calais sites named like a commune of the Pôle: a Gonnehem of the Nord is elsewhere.
    assert df["code_insee"].tolist() == ["62376", "62274"]
    assert df["commissioning_year"].tolist() == [2017.0, 2020.0]
    assert df["capacity_mwh"].tolist() == [18_000.0, 25_000.0]  # GWh × 1000
    assert df.attrs["outside"]["rows"] == 2


def test_register_unreadable_date_is_located(tmp_path):
    p = tmp_path / "reg.csv"
    p.write_text("nom_du_projet;date_de_mes;capacite_de_production_gwh_an;code_insee\nA;mars 2017;18;62376\n",
                 encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        read_biomethane_register(p, "reg.csv", communes={"gonnehem": "62376"})
    pb = exc.value.problems[0]
    assert (pb.line, pb.column, pb.value) == (2, "date_de_mes", "mars 2017")


def test_a_filled_template_for_the_cahc_goes_into_the_indicators(tiny_added):
    """The production template filled for the CAHC, 2022 and 2023 (tests/assemble/added.py: every source of CAHC_HEAT,
    2022 at 95 % of 2023), in the small territory built once with the other additions of the build tests."""
    heat_project = tiny_added
    ind = load("indicators", heat_project).set_index(["indicator_id", "geo_level", "geo_code", "year"])
    heat = sum(v for f, v in CAHC_HEAT.items() if f != "biomethane")  # the seven heat sources, by hand
    assert ind.loc[("enr_chaleur_production", "epci", CAHC, 2023), "value"] == pytest.approx(heat)
    assert ind.loc[("enr_chaleur_production", "epci", CAHC, 2023), "nature"] == "observed"
    assert ind.loc[("enr_chaleur_chaufferies_bois", "epci", CAHC, 2023), "value"] == pytest.approx(12_300.0)
    # The observed biomethane replaces the demonstration value of the CAHC.
    assert ind.loc[("biomethane_injection", "epci", CAHC, 2023), "value"] == pytest.approx(19_800.0)
    # Total = renewable electricity (demonstration registry) + heat + biomethane; the share over final
    # consumption, in %.
    elec = ind.loc[("enr_elec_production", "epci", CAHC, 2023), "value"]
    total = elec + heat + 19_800.0
    assert ind.loc[("enr_production_totale", "epci", CAHC, 2023), "value"] == pytest.approx(total)
    conso = ind.loc[("conso_energie_finale", "epci", CAHC, 2023), "value"]
    # the heat pumps' ambient heat is in the consumption as it is in the production (issue 23)
    assert ind.loc[("part_enr_conso_finale", "epci", CAHC, 2023), "value"] == pytest.approx(
        100 * total / (conso + CAHC_HEAT["pompes_a_chaleur"]))
    # A total that mixes observed heat and demonstration electricity is demonstration.
    assert ind.loc[("enr_production_totale", "epci", CAHC, 2023), "nature"] == "demonstration"


def test_the_cahc_export_and_report_show_the_entered_heat(tiny_added, tmp_path):
    heat_project = tiny_added
    from pma_eval.indicators import load_catalogue
    from pma_eval.processed import load_territory
    from pma_eval.publish.indicator_export import export
    from pma_eval.report import annual as a
    from pma_eval.report.context import load_context

    out = export(load("indicators", heat_project), load_catalogue(), load_territory(heat_project), tmp_path / "x.csv")
    rows = [r for r in csv.DictReader(open(out, encoding="utf-8-sig"), delimiter=";")
            if r["indicateur"] == "enr_chaleur_pompes_a_chaleur" and r["code"] == CAHC and r["annee"] == "2023"]
    assert len(rows) == 1 and rows[0]["nature"] == "observée" and rows[0]["unite"] == "MWh"
    assert float(rows[0]["valeur"].replace(",", ".").replace("\u202f", "")) == pytest.approx(71_900.0)

    ctx = load_context(2023, "CAHC", heat_project)
    assert a.has_heat(ctx)
    t = a.heat_table(ctx).frame.set_index("Filière")
    assert t.at["Pompes à chaleur", "Production 2023 (GWh)"] == pytest.approx(71.9)
    # 2022 was entered at 95 % of 2023: +5,3 % (1/0,95 − 1), by hand.
    assert HEAT_2022 == 0.95
    assert t.at["Pompes à chaleur", "Depuis 2022"] == pytest.approx(1 / 0.95 - 1, rel=1e-3)
    assert "Récupération" not in t.index  # a zero entered is not a source of the territory
    sentence = a.share_sentence(ctx).text
    assert "de sa consommation d'énergie finale" in sentence and "couverture électrique" in sentence
    v = ctx.verdicts.set_index("target_id")
    # LTECV: at least 32 % of renewables in 2030 — the target level is 32 (the indicator is in %).
    assert v.at["fr_enr_2030", "target_value"] == pytest.approx(32.0)
    assert v.at["fr_enr_2030", "indicator_id"] == "part_enr_conso_finale"

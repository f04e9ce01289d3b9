"""Comparison levels for energy and renewables (issue 26): the Enedis département files, the ODRÉ regional
files and the ODRÉ national gross consumption, read as published, on real rows copied from the stored files of
``data/raw/comparaisons`` (the ODRÉ GeoJSON cells, thousands of characters, are shortened to ``{}``; every other
cell is as published). Expected numbers are hand sums written beside them."""

from __future__ import annotations

import pytest

from pma_eval.errors import InputDataError
from pma_eval.sources.layouts import identify
from pma_eval.sources.levels import (SCOPES, read_enedis_consumption_departement, read_enedis_production_departement,
                                     read_odre_capacity_region, read_odre_gross_consumption,
                                     read_odre_renewables_region, with_totals)

from ..conftest import REPO

RAW = REPO / "data" / "raw" / "comparaisons"
ENEDIS_CONSO_HEADER = (
    'Année;Nom département;Code département;Nom région;Code région;Nb sites Résidentiel;Conso totale Rési'
    'dentiel (MWh);Conso moyenne Résidentiel (MWh);Nb sites Professionnel;Conso totale Professionnel (MWh'
    ');Conso moyenne Professionnel (MWh);Nb sites Agriculture;Conso totale Agriculture (MWh);Nb sites Ind'
    'ustrie;Conso totale Industrie (MWh);Nb sites Tertiaire;Conso totale Tertiaire (MWh);Nb sites Secteur'
    " non affecté;Conso totale Secteur non affecté (MWh);Nombre d'habitants;Taux de logements collectifs;"
    'Taux de résidences principales;Superficie des logements < 30 m2;Superficie des logements 30 à 40 m2;'
    'Superficie des logements 40 à 60 m2;Superficie des logements 60 à 80 m2;Superficie des logements 80 '
    'à 100 m2;Superficie des logements > 100 m2;Résidences principales avant 1919;Résidences principales '
    'de 1919 à 1945;Résidences principales de 1946 à 1970;Résidences principales de 1971 à 1990;Résidence'
    's principales de 1991 à 2005;Résidences principales de 2006 à 2010;Résidences principales après 2011'
    ';Taux de chauffage électrique;Geo Shape;Geo Point 2D')
#: Pas-de-Calais 2011, line 7 of the stored extract (line order as in the national file).
ENEDIS_CONSO_2011 = (
    '2011;Pas-de-Calais;62;Hauts-de-France;32;655386;3122596.2385983323;4.764514711327878;77624;861013.80'
    '43235563;11.092108166592244;340;59540.1343171513;1394;2000064.24117799;6158;1678799.43390456;145;297'
    '2.65013790509;1465204;21.7787202218042;93.1726327870005;1.8888198210527;3.71538527517088;12.30332583'
    '4132;23.4396509391446;29.6697966402155;28.9830217231128;9.48963109269637;18.9692699816523;24.2678092'
    '727607;26.9587102456453;11.993883316864;6.13240150880181;2.1882945815795;19.3459611882495;;')
ENEDIS_PROD_HEADER = (
    'annee,nom_departement,code_departement,nom_region,code_region,domaine_de_tension,nb_sites_photovolta'
    'ique_enedis,energie_produite_annuelle_photovoltaique_enedis_mwh,nb_sites_eolien_enedis,energie_produ'
    'ite_annuelle_eolien_enedis_mwh,nb_sites_hydraulique_enedis,energie_produite_annuelle_hydraulique_ene'
    'dis_mwh,nb_sites_bio_energie_enedis,energie_produite_annuelle_bio_energie_enedis_mwh,nb_sites_cogene'
    'ration_enedis,energie_produite_annuelle_cogeneration_enedis_mwh,nb_sites_autres_filieres_enedis,ener'
    'gie_produite_annuelle_autres_filieres_enedis_mwh,geom,geo_point_2d')
#: Pas-de-Calais 2011, its three voltage domains (the empty cells are the producer's).
ENEDIS_PROD_2011 = [
    '2011,Pas-de-Calais,62,Hauts-de-France,32,BT > 36 kVA,40,2648.544715,0,0,0,0,1,513.557,0,0,0,0,,',
    '2011,Pas-de-Calais,62,Hauts-de-France,32,BT <= 36 kVA,4299,12992.64279,10,9.336763756,,,0,0,0,0,0,0,,',
    '2011,Pas-de-Calais,62,Hauts-de-France,32,HTA,3,338.2888995,47,834629.2941,2,386.1907475,7,101520.153,20,239177.1,2,63.009,,',
]
ODRE_ENR_HEADER = ("\ufeffAnnee;Nom INSEE région;Code INSEE région;Production hydraulique renouvelable (GWh);"
                   "Production bioénergies renouvelable (GWh);Production éolienne renouvelable (GWh);"
                   "Production solaire renouvelable (GWh);Production électrique renouvelable (GWh);"
                   "Production gaz renouvelable (GWh);Production totale renouvelable (GWh);Géo-shape région;"
                   "Géo-point région")
ODRE_ENR_2023 = ('2023;Hauts-de-France;32;14.844;780.0;14534.18;521.49;15850.514000000001;;15850.514000000001;'
                 '"{}";"{}"')
ODRE_ENR_2011 = '2011;Hauts-de-France;32;3.7;327.9;2473.8;47.5;2852.9;0.0;2852.9;"{}";"{}"'
ODRE_PARC_HEADER = ("Année;Code INSEE région;Région;Parc installé éolien (MW);Parc installé solaire (MW);Géo-shape région;"
                    "Géo-point région")
ODRE_PARC_ROWS = ['2020;32;Hauts-de-France;4928.0;186.0;"{}";"{}"', '2001;32;Hauts-de-France;21.0;;"{}";"{}"']
ODRE_CONSO_HEADER = ("\ufeffAnnée;Région;Code INSEE région;Consommation brute gaz (GWh PCS 0°C) - NaTran;Statut - NaTran;"
                     "Consommation brute gaz (GWh PCS 0°C) - Teréga;Statut - Teréga;Consommation brute électricité "
                     "(GWh) - RTE;Consommation brute gaz totale (GWh PCS 0°C);Statut - RTE;Consommation brute totale "
                     "(GWh);Géo-shape région;Géo-point région")
ODRE_CONSO_2022 = '2022;Hauts-de-France;32;66090;Consolidé;;;47194;66090;Définitif;113284;"{}";"{}"'
FRANCE_HEADER = ("\ufeffAnnée;Consommation brute gaz (GWh PCS 0°C) - GRTgaz;Statut - GRTgaz;Consommation brute gaz "
                 "(GWh PCS 0°C) - Teréga;Statut - Teréga;Consommation brute gaz totale (GWh PCS 0°C);Consommation "
                 "brute électricité (GWh) - RTE;Consommation corrigée électricité (GWh) - RTE;Statut - RTE;"
                 "Consommation brute totale (GWh)")
FRANCE_ROWS = ["2023;358327;Consolidé;22169;Consolidé;380496;438599;445722;Consolidé;819095",
               "2003;;;;;;468386;437090;Définitif;"]


def _write(tmp_path, name, header, rows, crlf=False):
    p = tmp_path / name
    end = "\r\n" if crlf else "\n"
    p.write_bytes((end.join([header, *rows]) + end).encode("utf-8"))
    return p


def _value(df, variable, breakdown="total", year=None):
    sel = df.loc[(df["variable"] == variable) & (df["breakdown"] == breakdown)]
    if year is not None:
        sel = sel.loc[sel["year"] == year]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_the_stored_rows_are_the_ones_tested():
    conso = (RAW / "consommation-electrique-par-secteur-dactivite-departement.csv").read_text(encoding="utf-8")
    assert ENEDIS_CONSO_HEADER in conso and ENEDIS_CONSO_2011 in conso
    prod = (RAW / "production-electrique-par-filiere-a-la-maille-departement.csv").read_text(encoding="utf-8")
    assert all(row in prod for row in ENEDIS_PROD_2011)
    france = (RAW / "consommation-annuelle-brute.csv").read_text(encoding="utf-8")
    assert all(row in france for row in FRANCE_ROWS)
    enr = (RAW / "prod-region-annuelle-enr.csv").read_text(encoding="utf-8")
    assert ODRE_ENR_2023.split(';"')[0] in enr


def test_enedis_consumption_by_sector_and_its_total(tmp_path):
    df = with_totals(read_enedis_consumption_departement(
        _write(tmp_path, "c.csv", ENEDIS_CONSO_HEADER, [ENEDIS_CONSO_2011], crlf=True)))
    total = _value(df, "conso_electricite")
    # 3 122 596,2385983323 + 861 013,8043235563 + 59 540,1343171513 + 2 000 064,24117799 + 1 678 799,43390456
    # + 2 972,65013790509 (résidentiel, professionnel, agriculture, industrie, tertiaire, non affecté)
    assert total["value"] == pytest.approx(7_724_986.502459495)
    assert (total["geo_level"], total["geo_code"], total["name"], total["year"]) == ("departement", "62",
                                                                                    "Pas-de-Calais", 2011)
    assert total["complete"] and total["unit"] == "MWh"
    assert "réseau Enedis seulement" in total["scope"]
    assert _value(df, "sites_electricite", "residentiel")["value"] == 655386
    assert _value(df, "conso_electricite", "industrie")["value"] == pytest.approx(2_000_064.24117799)


def test_enedis_production_sums_the_voltage_domains_and_an_empty_cell_is_unknown(tmp_path):
    df = with_totals(read_enedis_production_departement(
        _write(tmp_path, "p.csv", ENEDIS_PROD_HEADER, ENEDIS_PROD_2011)))
    # BT > 36 kVA, BT <= 36 kVA and HTA: 2 648,544715 + 12 992,64279 + 338,2888995
    pv = _value(df, "production_electricite", "solaire_pv")
    assert pv["value"] == pytest.approx(15_979.4764045) and pv["complete"]
    # 0 + 9,336763756 + 834 629,2941
    assert _value(df, "production_electricite", "eolien")["value"] == pytest.approx(834_638.630863756)
    hydro = _value(df, "production_electricite", "hydraulique")  # BT <= 36 kVA empty: unknown, never 0
    assert hydro["value"] == pytest.approx(386.1907475) and not hydro["complete"]
    renewable = _value(df, "production_electricite_renouvelable")
    # 15 979,4764045 + 834 638,630863756 + 386,1907475 + (513,557 + 101 520,153): cogeneration left out
    assert renewable["value"] == pytest.approx(953_038.008015756)
    assert not renewable["complete"]  # holds the empty hydro cell: a minimum
    assert _value(df, "production_electricite", "cogeneration")["value"] == pytest.approx(239_177.1)
    assert _value(df, "sites_production", "solaire_pv")["value"] == 4299 + 40 + 3
    assert set(df["scope"]) == {SCOPES["enedis_prod"]} and "réseau Enedis seulement" in SCOPES["enedis_prod"]


def test_odre_regional_renewables_in_mwh_and_an_empty_gas_cell_is_unknown(tmp_path):
    df = read_odre_renewables_region(_write(tmp_path, "e.csv", ODRE_ENR_HEADER, [ODRE_ENR_2023, ODRE_ENR_2011]))
    assert _value(df, "production_electricite", "eolien", 2023)["value"] == pytest.approx(14_534_180.0)
    assert _value(df, "production_electricite_renouvelable", year=2023)["value"] == pytest.approx(15_850_514.0)
    gas = _value(df, "production_gaz_renouvelable", year=2023)
    assert gas["value"] != gas["value"] and not gas["complete"]  # NaN, not 0
    assert _value(df, "production_gaz_renouvelable", year=2011)["value"] == 0.0
    assert set(df["geo_code"]) == {"32"} and set(df["name"]) == {"Hauts-de-France"}


def test_odre_regional_capacity_in_kw(tmp_path):
    df = read_odre_capacity_region(_write(tmp_path, "k.csv", ODRE_PARC_HEADER, ODRE_PARC_ROWS))
    assert _value(df, "capacity", "eolien", 2020)["value"] == pytest.approx(4_928_000.0)
    assert _value(df, "capacity", "solaire_pv", 2020)["value"] == pytest.approx(186_000.0)
    assert not _value(df, "capacity", "solaire_pv", 2001)["complete"]
    assert set(df["unit"]) == {"kW"}


def test_odre_gross_consumption_keeps_each_status(tmp_path):
    df = read_odre_gross_consumption(_write(tmp_path, "r.csv", ODRE_CONSO_HEADER, [ODRE_CONSO_2022]))
    elec = _value(df, "conso_electricite_brute")
    assert elec["value"] == pytest.approx(47_194_000.0) and elec["status"] == "definitif"
    gas = _value(df, "conso_gaz_brute_pcs")
    assert gas["value"] == pytest.approx(66_090_000.0) and gas["status"] == "consolide" and gas["unit"] == "MWh PCS"
    assert (elec["geo_level"], elec["geo_code"]) == ("region", "32")


def test_france_gross_and_corrected_electricity(tmp_path):
    df = read_odre_gross_consumption(_write(tmp_path, "f.csv", FRANCE_HEADER, FRANCE_ROWS))
    gross, corrected = _value(df, "conso_electricite_brute", year=2023), _value(df, "conso_electricite_corrigee",
                                                                               year=2023)
    assert (gross["value"], corrected["value"]) == (pytest.approx(438_599_000.0), pytest.approx(445_722_000.0))
    assert gross["status"] == corrected["status"] == "consolide"
    assert "corrigée du climat" in corrected["scope"] and "non corrigée" in gross["scope"]
    assert set(df["geo_level"]) == {"france"}
    assert not ((df["variable"] == "conso_gaz_brute_pcs") & (df["year"] == 2003)).any()  # no gas before 2010


def test_a_located_french_error(tmp_path):
    bad = ODRE_CONSO_2022.replace("Consolidé", "Estimé")
    with pytest.raises(InputDataError) as exc:
        read_odre_gross_consumption(_write(tmp_path, "r.csv", ODRE_CONSO_HEADER, [bad]))
    text = str(exc.value)
    assert "statut inconnue" in text and "ligne 2" in text


@pytest.mark.parametrize("name, layout, fmt", [
    ("consommation-electrique-par-secteur-dactivite-departement.csv", "enedis_conso_departement",
     "enedis_conso_departement"),
    ("production-electrique-par-filiere-a-la-maille-departement.csv", "enedis_prod_departement",
     "enedis_prod_departement"),
    ("prod-region-annuelle-enr.csv", "odre_enr_region", "odre_enr_region"),
    ("parc-regional-annuel-prod-eolien-solaire.csv", "odre_parc_region", "odre_parc_region"),
    ("consommation-annuelle-brute-regionale.csv", "odre_conso_brute_regionale", "odre_conso_brute"),
    ("consommation-annuelle-brute.csv", "odre_conso_brute_france", "odre_conso_brute"),
])
def test_each_stored_file_is_recognised_from_its_header(name, layout, fmt):
    import yaml

    lay = identify(RAW / name)
    assert (lay.id, lay.format, lay.theme) == (layout, fmt, "comparaisons")
    meta = yaml.safe_load((RAW / f"{name}.meta.yml").read_text(encoding="utf-8"))
    assert meta["format"] == fmt and "copie publique" in meta["origine"] and meta["nature"] == "observed"

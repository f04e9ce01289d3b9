"""A declared territory that is not the Pôle is published like the Pôle (issue 27): CA Douaisis Agglo, created from
the national reference in a project copy, given demonstration series, built; its annual report (once), a few fiches
and the index of its year go to its own reports folder and never name the Pôle or its EPCIs.

Slow: one annual report notebook (about a minute and a half of processor).

Some sentences still name the Pôle because they live in files another agent owns (the report's section texts and
methods, the comparison sentence of the fiches, the glossary, the description of shared raw files):
:data:`ELSEWHERE` lists them, each with the file that holds it; they are allowed by the first test and make the
second fail (``xfail``) until those files take the territory's names.
"""

from __future__ import annotations

import html
import re
import shutil

import pytest

from pma_eval.config import get_paths

from ..conftest import REPO, cli

SIREN = "200044618"  # CA Douaisis Agglo (Nord): one EPCI, 35 communes
COMMUNES = ["59178", "59007", "59015"]  # Douai, Anhiers, Arleux
#: Names that only the Pôle's products may hold.
FORBIDDEN = re.compile(r"Pôle|Artois|\bCALL\b|\bCAHC\b|\bCABBALR\b")

#: Mentions that remain because their text lives in a file another agent owns: a pattern of the sentence around the
#: mention → that file.
ELSEWHERE = {
    r"Pôle métropolitain de l’Artois — la Turbine de l’écotransition": "narrative/templates/sections.yml (chapeau)",
    r"Émissions par habitant du Pôle et de ses agglomérations": "narrative/templates/sections.yml (graphique EPCI)",
    r"agglomérations du Pôle dans leur couleur": "narrative/templates/sections.yml (territoires comparables)",
    r"totaux des agglomérations et du Pôle restent connus": "narrative/templates/sections.yml (légende du secret)",
    r"réseaux d’acteurs que le Pôle anime": "narrative/templates/sections.yml (réseaux)",
    r"axe de la Turbine": "narrative/templates/sections.yml (du récit aux actions)",
    r"EPCI ou du Pôle": "narrative/templates/annuel/methodes.yml",
    r"aucun EPCI du Pôle|extrait du Pôle|communes du Pôle|pas le Pôle":
        "descriptions des fichiers bruts partagés (data/raw/**/*.meta.yml), citées dans l’annexe des sources",
    r"PMA Pôle métropolitain|CABBALR Communauté|CAHC Communauté|CALL Communauté|agglomérations du Pôle ETS":
        "glossaire (vocabulary.yml, report/annual/annex.py : tous les sigles, ceux du Pôle compris)",
    r"et du Pôle \(|avec le Pôle|du Pôle \(": "narrative/templates/comparaison.j2 (phrase de comparaison des fiches)",
}


def _text(path) -> str:
    """The reader's text of a published HTML page: no style, no embedded image, tags removed, entities decoded."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<style.*?</style>", " ", raw, flags=re.S)
    raw = re.sub(r"data:[^\"')\s]+", " ", raw)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def _mentions(text: str) -> list[str]:
    return [text[max(0, m.start() - 90):m.end() + 60] for m in FORBIDDEN.finditer(text)]


@pytest.fixture(scope="module")
def douaisis(tmp_path_factory):
    """Douaisis Agglo declared, given demonstration series and built in a project copy; its annual report 2023, the
    fiches of three communes and the index of its year published. Returns its paths."""
    root = tmp_path_factory.mktemp("douaisis_publie") / "projet"
    for folder in ("data/raw", "notebooks", "scenarios", "territoires"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "data" / "reference").symlink_to(REPO / "data" / "reference")  # read only
    with pytest.MonkeyPatch.context() as mp:
        base = get_paths(root)
        assert cli(mp, base, "territoire", "creer", "--id", "douaisis", "--nom", "Douaisis Agglo", "--epci", SIREN) == 0
        assert cli(mp, base, "data", "demo", "--territoire", "douaisis") == 0
        assert cli(mp, base, "data", "build", "--territoire", "douaisis") == 0
        assert cli(mp, base, "report", "annual", "--year", "2023", "--territoire", "douaisis") == 0
        assert cli(mp, base, "fiches", "--year", "2023", "--territoire", "douaisis", "--processus", "1",
                   "--communes", ",".join(COMMUNES)) == 0
        paths = get_paths(root, "douaisis")
        mp.setenv("PMA_EVAL_ROOT", str(root))
        mp.setenv("PMA_EVAL_TERRITOIRE", "douaisis")
        from pma_eval.publish.index import write_index

        write_index(2023, paths)
    return paths


def _products(paths):
    year = paths.reports / "2023"
    return {"rapport annuel": year / "CADA" / "rapport_annuel.html", "index": year / "index.html",
            **{f"fiche {c}": next((year / "fiches" / "communes").glob(f"{c}_*.html")) for c in COMMUNES}}


@pytest.mark.slow
def test_douaisis_products_go_to_its_own_folder_and_name_it(douaisis):
    root = douaisis.root
    assert douaisis.reports == root / "reports" / "territoires" / "douaisis"
    assert not (root / "reports" / "2023").exists()  # nothing went to the Pôle's folder
    products = _products(douaisis)
    texts = {k: _text(p) for k, p in products.items()}
    assert "Douaisis Agglo" in texts["rapport annuel"] and "Douaisis Agglo" in texts["index"]
    # one EPCI: no report, synthesis or bar of its own beside the whole
    assert sorted(p.name for p in (douaisis.reports / "2023").iterdir() if p.is_dir()) == ["CADA", "fiches"]
    assert not (douaisis.reports / "2023" / "fiches" / "epci").exists()
    from pma_eval.publish.fiches import prepare

    douai = prepare(2023, douaisis, codes=["59178"])[0]
    assert [b.label.split("*")[0].strip() for b in douai.bars] == ["Douai", "CADA"] and not douai.whole_subject
    unexplained = {k: [m for m in _mentions(t) if not any(re.search(p, m) for p in ELSEWHERE)]
                   for k, t in texts.items()}
    assert not any(unexplained.values()), unexplained


@pytest.mark.slow
@pytest.mark.xfail(reason="phrases nommant le Pôle dans des fichiers d'un autre agent : " + " ; ".join(
    sorted(set(ELSEWHERE.values()))), strict=False)
def test_douaisis_products_never_name_the_pole(douaisis):
    found = {k: _mentions(_text(p)) for k, p in _products(douaisis).items()}
    assert not any(found.values()), found

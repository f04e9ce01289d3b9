"""Shared fixtures: a throw-away copy of the project (raw data + notebooks) built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pma_eval.config import get_paths

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_project(dest: Path) -> Path:
    """Copy data/raw, notebooks/ and scenarios/ of the repository into ``dest`` (a project root)."""
    shutil.copytree(REPO / "data" / "raw", dest / "data" / "raw")
    shutil.copytree(REPO / "notebooks", dest / "notebooks")
    shutil.copytree(REPO / "scenarios", dest / "scenarios")
    (dest / "data" / "processed").mkdir(parents=True)
    (dest / "reports").mkdir()
    return dest


@pytest.fixture(scope="session")
def built_paths(tmp_path_factory):
    """Paths of a project copy whose data/processed has been built from the shipped raw data."""
    from pma_eval.build import build

    root = make_project(tmp_path_factory.mktemp("projet"))
    paths = get_paths(root)
    build(paths)
    return paths


@pytest.fixture
def project(tmp_path):
    """A fresh, unbuilt project copy (for tests that change raw data)."""
    return get_paths(make_project(tmp_path / "projet"))


def notebooks_copy(built_paths, tmp_path: Path):
    """Paths of a copy with its own notebooks/ and reports/ over the built data (processed is linked):
    for tests that change a notebook or kill a run without touching the shared project."""
    root = tmp_path / "copie"
    shutil.copytree(built_paths.root / "notebooks", root / "notebooks")
    (root / "data").mkdir()
    (root / "data" / "processed").symlink_to(built_paths.processed)
    return get_paths(root)

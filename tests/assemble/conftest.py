"""Fixtures of the build tests, each built once per pytest run and shared by the xdist workers (tests/tiny.py):

- ``tiny_built_paths``: the small territory as shipped, built (read-only);
- ``tiny_built``: a private copy of it (raw, processed, its reading cache), to change and build again;
- ``tiny_added``: the small territory with the independent additions of tests/assemble/added.py, built once with
  the reading cache turned off (read-only).
"""

from __future__ import annotations

import os

import pytest

from pma_eval.config import Paths, get_paths

from ..conftest import once
from ..tiny import built_once, make_tiny_project, private_copy


@pytest.fixture(scope="session")
def tiny_built_paths(request, tmp_path_factory) -> Paths:
    return get_paths(built_once(request.config, tmp_path_factory))


@pytest.fixture
def tiny_built(tiny_built_paths, tmp_path) -> Paths:
    return get_paths(private_copy(tiny_built_paths.root, tmp_path / "petit"))


@pytest.fixture(scope="session")
def tiny_added(request, tmp_path_factory) -> Paths:
    from pma_eval.assemble import build
    from pma_eval.assemble.readcache import ENV

    from .added import add_all

    def produce(root):
        paths = get_paths(make_tiny_project(root))
        add_all(paths.raw)
        shared = os.environ.get(ENV)
        os.environ[ENV] = "0"
        try:
            build(paths)
        finally:
            if shared is None:
                del os.environ[ENV]
            else:
                os.environ[ENV] = shared

    return get_paths(once(request.config, tmp_path_factory, "petit_ajouts", produce))

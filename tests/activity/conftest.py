"""The build of the small territory with the additions of the build tests (tests/assemble/added.py), made once per
pytest run for both folders (tests/assemble/conftest.py)."""

from ..assemble.conftest import tiny_added  # noqa: F401

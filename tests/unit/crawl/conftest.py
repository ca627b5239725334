import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from crawl_testserver import Site, write_registry_file  # noqa: E402


@pytest.fixture
def make_site():
    sites = []

    def _make() -> Site:
        s = Site().start()
        sites.append(s)
        return s
    yield _make
    for s in sites:
        s.stop()


@pytest.fixture
def write_registry(tmp_path):
    def _write(sources: list[dict], **defaults) -> Path:
        return write_registry_file(tmp_path, sources, **defaults)
    return _write

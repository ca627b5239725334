from __future__ import annotations

import pytest

from pipelines.demo.generator import generate_corpus
from pipelines.demo.server import DemoServer


@pytest.fixture(scope="session")
def demo_corpus():
    return generate_corpus(0)


@pytest.fixture(scope="session")
def demo_server(demo_corpus):
    with DemoServer(demo_corpus, slow_seconds=3.0) as srv:
        yield srv

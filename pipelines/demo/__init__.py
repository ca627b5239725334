"""Demo site: a deterministic synthetic corpus of annual reports with ground truth
(``generate_corpus``) served on loopback hosts that imitate the real site families
(``DemoServer``).  See pipelines/demo/README.md.

Names are imported lazily so that ``python -m pipelines.demo.generator`` / ``.server`` run cleanly.
"""
from __future__ import annotations

__all__ = ["Corpus", "DemoDocument", "DemoReport", "DemoServer", "generate_corpus"]


def __getattr__(name: str):
    if name == "generate_corpus":
        from .generator import generate_corpus
        return generate_corpus
    if name == "DemoServer":
        from .server import DemoServer
        return DemoServer
    if name in ("Corpus", "DemoDocument", "DemoReport"):
        from . import model
        return getattr(model, name)
    raise AttributeError(f"module 'pipelines.demo' has no attribute {name!r}")

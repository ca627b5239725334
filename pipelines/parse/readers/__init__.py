"""Format readers: each turns bytes into a model.Document (rows of cells + running text)."""
from .. import compiled

compiled.activate_readers(__path__)  # readers/html.py compiled with the parser, or none

"""python -m pipelines.parse.compiled build | status | remove (see pipelines/parse/compiled/__init__.py)."""
import sys

from pipelines.parse.compiled import main

sys.exit(main())

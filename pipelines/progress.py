"""Progress bars for the long steps (crawl, parse) when a person is watching a terminal.

The CLI sets GOVREPORTS_PROGRESS=1 when stderr is a terminal; under the Dagster UI or the
schedule the bars stay off and progress goes to the run log instead."""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class StageProgress:
    def __init__(self, progress: Progress | None, label: str):
        self._progress = progress
        self._task = progress.add_task(label, total=None) if progress else None

    def update(self, completed: int, total: int | None) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=completed, total=total)


@contextlib.contextmanager
def stage_progress(label: str) -> Iterator[StageProgress]:
    if os.environ.get("GOVREPORTS_PROGRESS") != "1":
        yield StageProgress(None, label)
        return
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        yield StageProgress(progress, label)

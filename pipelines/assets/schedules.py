"""The nightly refresh: everything, in dependency order, at 02:00 China time.

The schedule starts stopped: a checkout (a demo, a laptop) never crawls on its own; an operator turns
it on in the UI (Automation → nightly_refresh_0200_shanghai) or with
`dagster schedule start nightly_refresh_0200_shanghai`. A tick whose settings do not load is
skipped with the reason, and no run is created."""
from __future__ import annotations

import dagster as dg

from pipelines.preflight import SettingsInvalid

from .settings import PipelineSettings, describe_settings

nightly_refresh_job = dg.define_asset_job(
    name="nightly_refresh",
    selection=dg.AssetSelection.all(),
    description="Crawl every configured source, parse what is new, rebuild the marts. " + describe_settings(),
    # DuckDB has one writer: steps run one at a time inside the run as well.
    executor_def=dg.in_process_executor,
)


@dg.schedule(name="nightly_refresh_0200_shanghai", job=nightly_refresh_job, cron_schedule="0 2 * * *",
             execution_timezone="Asia/Shanghai", default_status=dg.DefaultScheduleStatus.STOPPED,
             description="Every night at 02:00 Asia/Shanghai. Starts stopped; a tick whose registry or "
                         "paths cannot be used is skipped with the reason.")
def nightly_schedule(context: dg.ScheduleEvaluationContext):
    try:
        PipelineSettings().check()
    except SettingsInvalid as exc:
        return dg.SkipReason(str(exc))
    return dg.RunRequest()

"""The nightly refresh: everything, in dependency order, at 02:00 China time."""
from __future__ import annotations

import dagster as dg

nightly_refresh_job = dg.define_asset_job(
    name="nightly_refresh",
    selection=dg.AssetSelection.all(),
    description="Crawl every configured source, parse what is new, rebuild the marts.",
    # DuckDB has one writer: steps run one at a time inside the run as well.
    executor_def=dg.in_process_executor,
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_refresh_0200_shanghai",
    job=nightly_refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

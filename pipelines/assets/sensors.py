"""The run-failure sensor: every failed run of this code location (UI, schedule, backfill) is noted in
`<logs>/run_failures.jsonl` beside its warehouse and sent to the optional webhook (pipelines/alerts.py).
It runs by default wherever the daemon runs (`make dev`): it only writes a local file unless the
operator sets GOVREPORTS_FAILURE_WEBHOOK."""
from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.alerts import notify_run_failure
from pipelines.runlog import WAREHOUSE_TAG


@dg.run_failure_sensor(name="run_failure_notice", default_status=dg.DefaultSensorStatus.RUNNING,
                       description="Notes every failed run in <logs>/run_failures.jsonl and POSTs it to "
                                   "GOVREPORTS_FAILURE_WEBHOOK when set.")
def run_failure_notice(context: dg.RunFailureSensorContext) -> None:
    from .settings import PipelineSettings

    run = context.dagster_run
    tagged = run.tags.get(WAREHOUSE_TAG)
    warehouse = Path(tagged) if tagged else PipelineSettings().warehouse_path().resolve()
    steps = sorted({e.step_key for e in context.get_step_failure_events() if e.step_key})
    message = context.failure_event.message or f"run {run.run_id} failed"
    notice = notify_run_failure(run.run_id, job=run.job_name, summary=" ".join(message.split())[:500],
                                failed_steps=steps, log_path=None, warehouse=warehouse,
                                launched_by=run.tags.get("dagster/schedule_name") and "schedule" or "dagster")
    context.log.info(f"run {run.run_id}: " + ("noted before" if notice is None else f"noted ({notice.get('webhook', 'log only')})"))

"""The run-failure sensor and the CLI's notice: a JSON line per failed run, once, and a POST to the
operator's webhook (a real HTTP server on 127.0.0.1)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from pipelines.alerts import FAILURES_LOG, WEBHOOK_ENV, notify_run_failure
from pipelines.assets.sensors import run_failure_notice
from pipelines.runlog import WAREHOUSE_TAG


@pytest.fixture
def webhook():
    received: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


@dg.op
def breaks():
    raise RuntimeError("the archive disk is full")


@dg.job
def failing_job():
    breaks()


def _failed_run(instance: dg.DagsterInstance, warehouse) -> dg.DagsterRun:
    result = failing_job.execute_in_process(instance=instance, raise_on_error=False,
                                            tags={WAREHOUSE_TAG: str(warehouse)})
    assert not result.success
    return instance.get_run_by_id(result.run_id)


def _evaluate(instance, run):
    failure = next(e for e in instance.all_logs(run.run_id) if e.dagster_event
                   and e.dagster_event.event_type_value == "PIPELINE_FAILURE")
    context = dg.build_run_status_sensor_context(sensor_name=run_failure_notice.name, dagster_instance=instance,
                                                 dagster_run=run, dagster_event=failure.dagster_event).for_run_failure()
    run_failure_notice(context)


def test_a_failed_run_is_noted_once_and_posted_to_the_webhook(tmp_path, monkeypatch, webhook):
    url, received = webhook
    monkeypatch.setenv(WEBHOOK_ENV, url)
    monkeypatch.delenv("GOVREPORTS_LOGS", raising=False)
    warehouse = tmp_path / "warehouse.duckdb"
    with dg.DagsterInstance.ephemeral() as instance:
        run = _failed_run(instance, warehouse)
        _evaluate(instance, run)
        _evaluate(instance, run)                      # the daemon's next tick, or the CLI: noted already
    lines = (tmp_path / "logs" / FAILURES_LOG).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    notice = json.loads(lines[0])
    assert notice["run_id"] == run.run_id and notice["job"] == "failing_job"
    assert notice["failed_steps"] == ["breaks"] and notice["webhook"] == "sent (204)"
    assert received == [{k: v for k, v in notice.items() if k != "webhook"}]


def test_a_dead_webhook_is_recorded_not_raised(tmp_path, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(WEBHOOK_ENV, f"http://127.0.0.1:{port}/hook")
    notice = notify_run_failure("r1", job="nightly_refresh", summary="run r1 failed", failed_steps=["crawl"],
                                log_path=None, warehouse=tmp_path / "w.duckdb", launched_by="cli")
    assert notice["webhook"].startswith("failed: ConnectError")
    (tmp_path / "logs" / FAILURES_LOG).write_text('{"run_id": "r1"}\n{"torn', encoding="utf-8")
    assert notify_run_failure("r1", job="j", summary="", failed_steps=[], log_path=None,
                              warehouse=tmp_path / "w.duckdb", launched_by="cli") is None


def test_the_sensor_runs_by_default_and_the_schedule_starts_stopped():
    from pipelines.definitions import defs

    sensor = defs.resolve_sensor_def("run_failure_notice")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    schedule = defs.resolve_schedule_def("nightly_refresh_0200_shanghai")
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED

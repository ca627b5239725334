"""The five seed reports (../shared/seeds) parse to their hand-checked expected values exactly."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.parse import parse_path
from pipelines.parse.catalog import APPLICANTS, METRICS

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
EXPECTED = sorted((SEEDS / "expected").glob("*.json")) if SEEDS.is_dir() else []

pytestmark = pytest.mark.skipif(not EXPECTED, reason=f"seed reports not found at {SEEDS} (../shared is absent)")

SEMANTICS = {"numeric", "zero", "empty", "na", "text"}
STATUSES = {"pass", "fail", "not_assessable"}
CONTRACT_KEYS = {"title", "agency_name", "agency_as_printed", "report_year", "era", "published_on",
                 "metrics", "checks", "warnings", "parse_status"}
# y2021: （六）其他处理 prints no cells of its own; the parser derives it from its three sub-rows
DERIVED_2021 = {f"t3_res_other__{c}" for c in APPLICANTS}


def _load(path: Path):
    expected = json.loads(path.read_text(encoding="utf-8"))
    return expected, parse_path(SEEDS / expected["file"])


@pytest.fixture(scope="module", params=EXPECTED, ids=lambda p: p.stem[:3])
def seed(request):
    return _load(request.param)


def test_every_listed_metric_has_its_exact_value(seed):
    expected, out = seed
    got = {m["metric_code"]: m for m in out["metrics"]}
    for code, value in expected["metrics"].items():
        assert code in got, code
        m = got[code]
        if value is None:
            assert m["value"] is None and m["semantic"] == "empty", (code, m)
        else:
            assert m["value"] == value, (code, m["value"], value)
            assert type(m["value"]) is type(value) or METRICS[code].unit == "cny", code
            assert m["semantic"] == ("zero" if value == 0 else "numeric"), (code, m)


def test_exactly_the_printed_codes(seed):
    expected, out = seed
    table_codes = {m["metric_code"] for m in out["metrics"] if m["metric_code"] in METRICS}
    derived = DERIVED_2021 if expected["era"] == "y2021" else set()
    assert table_codes - derived == set(expected["metrics"])
    got = {m["metric_code"]: m["value"] for m in out["metrics"]}
    for code in derived:  # the derived parent row equals the sum of its printed sub-rows
        col = code.split("__")[1]
        parts = [got[f"t3_res_other_{k}__{col}"] for k in ("overdue_correction", "fee_unpaid", "other")]
        assert got[code] == sum(parts)
    extra = {m["metric_code"] for m in out["metrics"]} - table_codes
    assert all(code.startswith("n_") for code in extra)  # narrative figures under their own codes


def test_metadata(seed):
    expected, out = seed
    assert out["title"] == expected["title"]
    assert out["report_year"] == expected["report_year"]
    assert out["era"] == expected["era"]
    assert out["agency_name"] == expected["agency"]
    assert out["agency_division_code"] == expected["division_code"]
    assert out["agency_as_printed"] == expected["agency_as_printed"]
    assert out["published_on"] == expected["published_on"]
    assert out["parse_status"] == "parsed"


def test_checks(seed):
    expected, out = seed
    for c in out["checks"]:
        assert c["status"] in STATUSES and c["code"] and isinstance(c["detail"], str)
    failing = {c["code"]: c for c in out["checks"] if c["status"] == "fail"}
    if expected["expected_checks_failing"]:
        identities = [c for code, c in failing.items() if code.startswith("t3_identity__")]
        assert identities, failing
        natural = failing["t3_identity__natural_person"]
        assert natural["detail"] == "1+0 != blank"
        # a failing check never changes a value: the blank total stays blank
        got = {m["metric_code"]: m for m in out["metrics"]}
        assert got["t3_res_total__natural_person"]["value"] is None
    else:
        assert not [c for c in failing if c.startswith(("t3_identity__", "t4_sum__"))], failing


def test_contract_shape(seed):
    _, out = seed
    assert CONTRACT_KEYS <= set(out)
    for m in out["metrics"]:
        assert set(m) == {"metric_code", "value", "value_raw", "semantic"}
        assert m["semantic"] in SEMANTICS
        assert (m["value"] is None) == (m["semantic"] in {"empty", "na", "text"})
    json.dumps(out, ensure_ascii=False)


def test_narrative_figures_are_separate():
    expected, out = _load(EXPECTED[-1])
    got = {m["metric_code"]: m for m in out["metrics"]}
    assert got["n_requests_received"]["value"] == expected["metrics"]["t3_new_received__total"]


def test_cli_parse_json():
    cli = ROOT / "pipelines" / "cli.py"
    if not cli.exists():
        pytest.skip("the govreports CLI is not in this tree yet")
    paths = [str(SEEDS / json.loads(p.read_text(encoding="utf-8"))["file"]) for p in EXPECTED]
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "parse", *paths, "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert [x["source"] for x in lines] == paths
    for out in lines:
        assert CONTRACT_KEYS <= set(out)
    missing = subprocess.run([sys.executable, "-m", "pipelines.cli", "parse", str(SEEDS / "nope.txt"), "--json"],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert missing.returncode != 0 and "nope.txt" in (missing.stderr + missing.stdout)

"""Each command loads only what it uses: `govreports parse` never imports duckdb, dagster or rich."""
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_parse_command_loads_neither_duckdb_nor_dagster(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("某某县统计局2021年政府信息公开工作年度报告\n一、总体情况\n本年度收到政府信息公开申请3件。\n",
                      encoding="utf-8")
    code = textwrap.dedent(f"""
        import contextlib, io, json, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pipelines.cli import main
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = main(["parse", {str(report)!r}, "--json"])
        print(json.dumps({{"rc": rc, "year": json.loads(out.getvalue())["report_year"],
                           "loaded": sorted(m for m in ("duckdb", "dagster", "rich") if m in sys.modules)}}))
        """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == '{"rc": 0, "year": 2021, "loaded": []}'

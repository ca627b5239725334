"""The fixed cost of a night: `govreports demo` with nothing new against a clean one.

    .venv/bin/python bench/bench_demo.py            # 2 interleaved pairs (target: no-change <= 25 % of clean)
    .venv/bin/python bench/bench_demo.py --pairs 3

Each pair runs `govreports demo` twice as a user would, in a fresh process each: first on a clean
slate (no archive, warehouse, Dagster storage, demo corpus cache or dbt target folder, as in a new
checkout), then again with nothing new on the demo site. Everything lives in a temporary folder
(GOVREPORTS_DUCKDB, GOVREPORTS_ARCHIVE, GOVREPORTS_DEMO_DIR, a DAGSTER_HOME whose dagster.yaml is the
project's with its folders moved there), so the checkout's own demo is neither read nor touched.
The demo site listens on its own ports (GOVREPORTS_DEMO_PORT_BASE) so a running `make demo` does not
collide with it. Prints the wall time of each run, the medians and their ratio.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def dagster_home(tmp: Path) -> Path:
    home = tmp / "dagster_home"
    home.mkdir()
    text = (ROOT / "dagster.yaml").read_text(encoding="utf-8")
    (home / "dagster.yaml").write_text(text.replace("base_dir: data/dagster", f"base_dir: {tmp}/dagster"),
                                       encoding="utf-8")
    return home


def run_demo(env: dict, log: Path) -> float:
    govreports = Path(sys.executable).with_name("govreports")
    t0 = time.perf_counter()
    with open(log, "ab") as out:
        code = subprocess.run([str(govreports), "demo"], cwd=ROOT, env=env, stdout=out, stderr=out).returncode
    elapsed = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"govreports demo failed (exit {code}): see {log}")
    return elapsed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=2, help="clean / no-change pairs (default 2)")
    ap.add_argument("--port-base", type=int, default=28730, help="the demo site's first port")
    args = ap.parse_args(argv)
    from pipelines.assets.dbt_manifest import target_dir

    clean, again = [], []
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as t:
        tmp, log = Path(t), Path(t) / "demo.log"
        for pair in range(args.pairs):
            slate = tmp / f"pair{pair}"
            slate.mkdir()
            warehouse = slate / "warehouse.duckdb"
            env = dict(os.environ, GOVREPORTS_DUCKDB=str(warehouse), GOVREPORTS_ARCHIVE=str(slate / "archive"),
                       GOVREPORTS_DEMO_DIR=str(slate / "demo"), DAGSTER_HOME=str(dagster_home(slate)),
                       GOVREPORTS_DEMO_PORT_BASE=str(args.port_base))
            try:
                clean.append(run_demo(env, log))
                again.append(run_demo(env, log))
            finally:
                shutil.rmtree(target_dir(warehouse), ignore_errors=True)   # this slate's dbt target
            print(f"pair {pair + 1}: clean {clean[-1]:5.1f} s, nothing new {again[-1]:5.1f} s "
                  f"({100 * again[-1] / clean[-1]:.0f} %)", flush=True)
        mc, ma = statistics.median(clean), statistics.median(again)
        print(f"govreports demo, clean:       {mc:5.1f} s (median of {args.pairs})")
        print(f"govreports demo, nothing new: {ma:5.1f} s = {100 * ma / mc:.0f} % of clean (target <= 25 %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

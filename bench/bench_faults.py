"""Fault bench (`make faults`): kill -9 at random points of crawl, parse and dbt, then re-run and
compare every mart with an uninterrupted run; then the hostile-file corpus.

    .venv/bin/python bench/bench_faults.py              # 21 kills (7 per stage) + hostile corpus
    .venv/bin/python bench/bench_faults.py --kills 6    # quicker
    .venv/bin/python bench/bench_faults.py --no-kills   # hostile corpus only

Each kill is a real SIGKILL of a `govreports run` process on the embedded demo site, at a random
moment of the chosen stage (a random share of that stage's duration in the reference run). A crawl
kill starts from an empty installation; parse and dbt kills start from a copy of one whose previous
run was killed as that stage began. Then one plain `govreports run` must complete without any manual
cleanup and build marts equal to the reference's (all columns except the load timestamps). Targets:
every kill survived, every mart identical, 0 rows lost; each hostile file ends with a recorded
status in <= 30 s and <= 1 GB RSS, and a run holding the hostile files completes.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from faultkit import STAGES, Sandbox, diff, examples  # noqa: E402
import hostile  # noqa: E402


def stage_spans(log: Path, default: float | None = 10.0) -> dict[str, float | None]:
    """Seconds each stage took in a run, from the STEP_START lines of its log."""
    starts: dict[str, datetime] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \+0000 - dagster - \w+ - .* - (\w+) - (STEP_START|STEP_SUCCESS)", line)
        if m:
            key = (m.group(2), m.group(3))
            starts.setdefault(f"{key[0]}:{key[1]}", datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"))
    spans = {}
    for stage, step in STAGES.items():
        a, b = starts.get(f"{step}:STEP_START"), starts.get(f"{step}:STEP_SUCCESS")
        spans[stage] = max(1.0, (b - a).total_seconds()) if a and b else default
    return spans


def _learn_spans(box: Sandbox, spans: dict[str, float]) -> None:
    """A busy machine makes the reference's stages long: the shortest duration seen since bounds the
    random moment of a kill, so that it still lands inside the stage."""
    try:
        log = Path(json.loads((box.logs / "last_run.json").read_text(encoding="utf-8"))["log_path"])
        seen = stage_spans(log, default=None)
    except (OSError, ValueError, KeyError):
        return
    if seen.get("dbt"):                            # every re-run builds all of dbt
        spans["dbt"] = min(spans["dbt"], seen["dbt"])


def copy_box(template: Sandbox, root: Path) -> Sandbox:
    shutil.copytree(template.root, root, ignore=shutil.ignore_patterns("cli-*"))
    return Sandbox(root, template.registry)      # rewrites dagster.yaml for its own paths


def killed_at(box: Sandbox, stage: str) -> Sandbox:
    run = box.start()
    if not box.wait_for_stage(run, stage, timeout=600):
        raise RuntimeError(f"the run ended before {stage}: {run.err_path.read_text()}")
    box.kill(run)
    return box


def kills(n: int, seed: int, work: Path) -> dict:
    from pipelines.demo.generator import generate_corpus
    from pipelines.demo.server import DemoServer

    rng = random.Random(seed)
    results = []
    with DemoServer(generate_corpus(0)) as server:
        registry = server.write_registry(work / "sources.yaml")
        ref = Sandbox(work / "reference", registry)
        t = time.monotonic()
        ref_run = ref.start()
        # the templates of the parse and dbt kills, built while the reference runs
        tpl_parse = killed_at(Sandbox(work / "tpl_parse", registry), "parse")
        tpl_dbt = killed_at(copy_box(tpl_parse, work / "tpl_dbt"), "dbt")
        if ref_run.wait(timeout=900) != 0:
            raise RuntimeError(f"the reference run failed: {ref_run.err_path.read_text()}")
        reference, spans = ref.marts(), stage_spans(ref.run_log(ref_run))
        print(f"reference run: {time.monotonic() - t:.0f} s (with the templates); stage seconds "
              + ", ".join(f"{k} {v:.0f}" for k, v in spans.items()), flush=True)
        trial = 0
        while len(results) < n and trial < 2 * n:
            stage = list(STAGES)[len(results) % 3]
            trial += 1
            root = work / f"kill-{trial:02d}"
            box = (Sandbox(root, registry) if stage == "crawl"
                   else copy_box(tpl_parse if stage == "parse" else tpl_dbt, root))
            run = box.start()
            box.wait_for_stage(run, stage, timeout=600)
            delay = rng.uniform(0, 0.9 * spans[stage])
            time.sleep(delay)
            box.kill(run)
            if run.returncode == 0:      # the stage (and the run) ended before the kill: not a kill
                print(f"(trial {trial}: the run finished before the kill at +{delay:.1f} s into {stage}; again)")
                spans[stage] = max(1.0, delay * 0.8)
                shutil.rmtree(root, ignore_errors=True)
                continue
            at = box.stage_of(run)
            if at != stage:              # the stage ended first: the machine is faster than the reference said
                spans[stage] = max(1.0, delay * 0.8)
            t = time.monotonic()
            out = box.run(timeout=900)
            took = time.monotonic() - t
            d = diff(reference, box.marts()) if out.returncode == 0 else None
            lost = sum(v["lost"] for v in d.values()) if d is not None else None
            extra = sum(v["extra"] for v in d.values()) if d is not None else None
            results.append({"stage": stage, "killed_in": at, "delay_s": round(delay, 1), "rerun_rc": out.returncode,
                            "rerun_s": round(took, 1), "identical": d == {}, "lost": lost, "extra": extra, "diff": d})
            print(f"kill {len(results):2d}/{n}: {stage:5s} +{delay:4.1f} s (killed in {at}) → re-run exit {out.returncode} "
                  f"in {took:.0f} s, marts {'identical' if d == {} else d}", flush=True)
            if d:
                for table, ex in examples(reference, box.marts()).items():
                    for row in ex["only_reference"]:
                        print(f"   {table} reference: {row}")
                    for row in ex["only_got"]:
                        print(f"   {table} re-run:    {row}")
                print(f"   kept: {root}")
            elif out.returncode == 0:
                _learn_spans(box, spans)
                shutil.rmtree(root, ignore_errors=True)
            else:
                print("   " + (out.stderr.strip().splitlines() or ["(no output)"])[-1] + f" (kept: {root})", flush=True)
    return {"kills": results, "reference_marts": {k: len(v) for k, v in reference.items()}}


# -- the hostile corpus ------------------------------------------------------------------------------
ONE_FILE = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {root!r}); sys.path.insert(0, {here!r})
    import hostile
    from pipelines.parse_worker import Job, ParsePool
    import pipelines.parse
    data = hostile.CORPUS[{name!r}]()
    t = time.monotonic()
    with ParsePool() as pool:
        (out,) = pool.map([Job(data, {{"filename": {name!r}}})])
    took = time.monotonic() - t
    status = out.get("status") or out["result"].get("parse_status")
    print(json.dumps({{"bytes": len(data), "status": status, "error": out.get("error"), "seconds": took,
                      "parent_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
""")


def hostile_files() -> list[dict]:
    rows = []
    for name in hostile.CORPUS:
        code = ONE_FILE.format(root=str(ROOT), here=str(HERE), name=name)
        t = time.monotonic()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            rows.append({"file": name, "status": f"bench error (exit {out.returncode})", "error": out.stderr[-300:],
                         "seconds": time.monotonic() - t})
            continue
        rows.append({"file": name, **json.loads(out.stdout.strip().splitlines()[-1])})
    return rows


REPORT = ("嘉兴市经济和信息化局{year}年政府信息公开工作年度报告\n\n本机关按照条例要求编制本报告。\n统计指标\t单位\t统计数\n"
          "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）\t条\t{n}\n（一）收到申请数\t件\t4\n四、行政复议数量\t件\t1\n")


def hostile_run(work: Path) -> dict:
    """A whole `govreports run` over a folder holding the hostile files beside two real reports."""
    docs = work / "hostile_docs"
    docs.mkdir(parents=True)
    files = {"r2015.txt": 2015, "r2016.txt": 2016}
    for name, year in files.items():
        (docs / name).write_text(REPORT.format(year=year, n=100 + year % 100), encoding="utf-8")
    for name, build in hostile.CORPUS.items():
        (docs / name).write_bytes(build())
        files[name] = 2015
    listed = "\n".join(f"        {name}: {{year: {year}}}" for name, year in files.items())
    registry = work / "hostile_sources.yaml"
    registry.write_text(textwrap.dedent(f"""\
        defaults:
          rate_limit_per_s: 0
        sources:
          - id: hostile_local
            family: local_dir
            agency: jx_jxj
            entry_url: null
            verified: true
            options:
              path: {docs}
              files:
        """) + listed + "\n", encoding="utf-8")
    box = Sandbox(work / "hostile_run", registry)
    import os

    t = time.monotonic()
    with open(box.root / "run.out", "w") as out, open(box.root / "run.err", "w") as errf:
        proc = subprocess.Popen(box.command(), env=box.env, stdout=out, stderr=errf)
        _, status, rusage = os.wait4(proc.pid, 0)   # peak RSS of the run's process or any of its children
    proc.returncode = rc = os.waitstatus_to_exitcode(status)
    took = time.monotonic() - t
    err = (box.root / "run.err").read_text(encoding="utf-8", errors="replace")
    import duckdb

    with duckdb.connect(str(box.warehouse), read_only=True) as con:
        statuses = con.execute("""SELECT d.filename, p.parse_status, p.error FROM raw.parsed_reports p
                                  JOIN raw.documents d USING (document_id) ORDER BY 1""").fetchall()
    return {"exit": rc, "seconds": took, "peak_rss_mb": rusage.ru_maxrss / 1024, "statuses": statuses,
            "stderr": err.strip().splitlines()[-1:] if err.strip() else []}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=21)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--no-kills", action="store_true")
    parser.add_argument("--no-hostile", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="govreports-faults-"))
    ok = True
    try:
        if not args.no_kills:
            res = kills(args.kills, args.seed, work)
            k = res["kills"]
            survived = sum(1 for r in k if r["rerun_rc"] == 0)
            identical = sum(1 for r in k if r["identical"])
            lost = sum(r["lost"] or 0 for r in k)
            extra = sum(r["extra"] or 0 for r in k)
            by_stage = {s: sum(1 for r in k if r["killed_in"] == s) for s in (*STAGES, "finished")}
            print("\n== kill -9 ==")
            print(f"kills: {len(k)} (killed in: " + ", ".join(f"{s} {n}" for s, n in by_stage.items() if n) + ")")
            print(f"kills survived (re-run completed, no manual cleanup): {survived}/{len(k)}")
            print(f"marts identical to the uninterrupted run: {identical}/{len(k)} "
                  f"({len(res['reference_marts'])} marts, {sum(res['reference_marts'].values()):,} rows)")
            print(f"rows lost: {lost}   rows extra: {extra}")
            print(f"re-run seconds: median {sorted(r['rerun_s'] for r in k)[len(k) // 2]:.0f}")
            ok &= survived == identical == len(k) and lost == 0
        if not args.no_hostile:
            print("\n== hostile files (one parse worker, default limits) ==")
            print(f"{'file':<18} {'MB':>5} {'status':<10} {'s':>5} {'worker RSS':>10} {'parent RSS':>10}  reason")
            for r in hostile_files():
                print(f"{r['file']:<18} {r.get('bytes', 0) / (1 << 20):5.1f} {r['status']:<10} {r['seconds']:5.1f} "
                      f"{r.get('worker_rss_mb', 0):8.0f}MB {r.get('parent_rss_mb', 0):8.0f}MB  {(r.get('error') or '')[:90]}")
                ok &= r["seconds"] <= 30 and r.get("worker_rss_mb", 1e9) <= 1024 * 1.05 and r["status"] not in {"error"}
            run = hostile_run(work)
            print(f"\nrun over the hostile files + 2 reports: exit {run['exit']} in {run['seconds']:.0f} s, "
                  f"peak RSS of any of its processes {run['peak_rss_mb']:.0f} MB")
            for name, status, error in run["statuses"]:
                print(f"  {name:<18} {status:<10} {(error or '')[:100]}")
            for line in run["stderr"]:
                print(f"  stderr: {line}")
            ok &= run["exit"] == 0
    finally:
        if args.keep:
            print(f"\nwork folder: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("\nall targets met" if ok else "\nTARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

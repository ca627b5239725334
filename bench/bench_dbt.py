"""Benchmark the dbt warehouse: full build, 1 % incremental build, analyst queries, and the nightly
dbt step (the Dagster asset: it builds only what is downstream of the raw tables that changed).

    .venv/bin/python bench/bench_dbt.py                 # 100,000 reports (targets: full <= 120 s on
                                                        # 2 cores, incremental <= 10 % of full, queries < 1 s)
    .venv/bin/python bench/bench_dbt.py --reports 5000  # quick run

The raw layer is generated directly in DuckDB with generate_series: 8 report years (2016-2023,
all three template eras) per agency, every metric of the report's era from the metric catalog,
5 % portal copies, 2 % revised documents (same URL, new bytes), 3 % image-only documents. The
incremental step adds 1 % new reports (year 2024) and runs `dbt build` again; a last build with no
new data measures the fixed cost of any plain `dbt build` (dbt start-up, parse, one round trip per
model and test, the tests of the latest batch), so the +1 % build splits into that and the new data's
share. The nightly step is then timed the way `govreports run` runs it (pipelines/assets/dbt.py, in a
fresh process per build, timed around the step): a forced build that records the baseline, 1 % new
reports, and a night with nothing new (target: <= 10 % of the full build).
"""
from __future__ import annotations

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
DBT_DIR = ROOT / "dbt_project"
sys.path.insert(0, str(ROOT / "tests" / "dbt"))
from raw_fixture import write_raw_tables  # noqa: E402

QUERIES = DBT_DIR / "examples" / "queries.sql"
CATALOG = DBT_DIR / "seeds" / "metric_catalog.csv"
DIVISIONS = DBT_DIR / "seeds" / "divisions.csv"
YEARS_PER_AGENCY = 8
FIRST_YEAR = 2016


def generate(con: duckdb.DuckDBPyConnection, first_report: int, n_reports: int, *, year: int | None = None,
             n_agencies: int | None = None) -> None:
    """Insert n_reports reports (report numbers first_report..) with their documents, parses and metrics.

    Without `year`: report r belongs to agency r // 8 and year 2016 + r % 8 (agencies are created).
    With `year`: the new reports are year `year` of agencies 0, 1, 2, ... (existing agencies)."""
    if year is None:
        agency_sql, year_sql = f"r // {YEARS_PER_AGENCY}", f"{FIRST_YEAR} + r % {YEARS_PER_AGENCY}"
    else:
        agency_sql, year_sql = f"(r - {first_report}) % {n_agencies}", str(year)
    con.execute(f"""
        create or replace temp table gen_reports as
        select r, {agency_sql} as a, {year_sql} as y,
               case when {year_sql} <= 2018 then 'pre2019' when {year_sql} <= 2020 then 'y2019' else 'y2021' end as era
        from generate_series({first_report}, {first_report + n_reports - 1}) t(r)""")
    if year is None:
        n_ag = math.ceil((first_report + n_reports) / YEARS_PER_AGENCY)
        con.execute(f"""
            insert into raw.agencies
            select 'ag' || i, '浙江机构' || i || '局', '机构' || i, '["机构' || i || '"]', null,
                   case when i % 10 = 0 then 'general_government' else 'industry_it' end,
                   case when i % 10 = 0 then 'government' else 'department' end,
                   'county', d.division_code, null, true
            from generate_series(0, {n_ag - 1}) t(i)
            join (select division_code, row_number() over (order by division_code) - 1 as k,
                         count(*) over () as n
                  from read_csv('{DIVISIONS}', all_varchar = true) where division_level = 'county' and valid_to_year is null) d
              on d.k = i % d.n""")
        con.execute(f"""
            insert into raw.sources (source_id, family, agency_id, entry_url, verified, allowed_hosts)
            select 'src' || i, 'hanweb_jcms', 'ag' || i, 'http://ag' || i || '.gov.cn/col/col1/index.html', false, '[]'
            from generate_series(0, {n_ag - 1}) t(i)
            union all
            select 'portal' || k, 'hanweb_jcms', null, 'http://portal' || k || '.gov.cn/', false, '[]'
            from generate_series(0, 9) t(k)""")
    # documents: the agency's own copy, 5 % portal copies (same bytes), 2 % revised versions
    con.execute("""
        create or replace temp table gen_docs as
        with d as (
            select r, a, y, era, 'src' || a as source_id, 'ag' || a as agency_id,
                   'http://ag' || a || '.gov.cn/art/' || (y + 1) || '/1/20/art_' || r || '.html' as url,
                   md5('v1' || r) || md5('w1' || r) as sha, case when r % 10 = 3 then 'pdf' else 'html' end as fmt,
                   timestamp '2000-01-01' + to_days(366 * (y + 1 - 2000) + 20 + r % 40) as fetched, 0 as kind
            from gen_reports
            union all
            select r, a, y, era, 'portal' || (a % 10), null,
                   'http://portal' || (a % 10) || '.gov.cn/art/' || (y + 1) || '/2/1/art_' || r || '.html',
                   md5('v1' || r) || md5('w1' || r), 'html',
                   timestamp '2000-01-01' + to_days(366 * (y + 1 - 2000) + 45), 1
            from gen_reports where r % 20 = 0
            union all
            select r, a, y, era, 'src' || a, 'ag' || a,
                   'http://ag' || a || '.gov.cn/art/' || (y + 1) || '/1/20/art_' || r || '.html',
                   md5('v2' || r) || md5('w2' || r), case when r % 10 = 3 then 'pdf' else 'html' end,
                   timestamp '2000-01-01' + to_days(366 * (y + 1 - 2000) + 80), 2
            from gen_reports where r % 50 = 1
        )
        select *, substr(sha256(url || sha), 1, 16) as document_id,
               (r % 33 = 0) as unparseable
        from d""")
    con.execute("""
        insert into raw.documents
        select document_id, source_id, agency_id, url, null, sha, fmt, null, null, 'utf-8', 20000 + r % 5000,
               '机构' || a || y || '年政府信息公开工作年度报告', y, null,
               cast(fetched as date) - 1, fetched, fetched
        from gen_docs""")
    con.execute("""
        insert into raw.report_links
        select source_id, agency_id, 'http://list/', url, '机构' || a || y || '年政府信息公开工作年度报告', null, y, fetched
        from gen_docs""")
    con.execute("""
        insert into raw.fetch_log
        select 'f' || document_id, 'bench', source_id, url, url, 'article', fetched, 200, 'ok', null, sha,
               20000 + r % 5000, 'text/html', null, null, 100.0
        from gen_docs""")
    con.execute("""
        create or replace temp table gen_cat as
        select metric_code, unnest(string_split(eras, ',')) as era, unit
        from read_csv('""" + str(CATALOG) + """', all_varchar = true) where "table" <> 'narrative'""")
    con.execute("""
        insert into raw.parsed_metrics
        select d.document_id, c.metric_code,
               case when (hash(d.r, c.metric_code) % 97) = 0 then null
                    when c.unit = 'cny' then cast(hash(d.r, c.metric_code) % 5000000 as double)
                    else cast(hash(d.r, c.metric_code, d.kind) % 40 as double) end as value,
               null as value_raw,
               'numeric' as semantic
        from gen_docs d join gen_cat c on c.era = d.era
        where not d.unparseable""")
    con.execute("""
        update raw.parsed_metrics set
            value_raw = case when value is null then '' else cast(value as varchar) end,
            semantic = case when value is null then 'empty' when value = 0 then 'zero' else 'numeric' end
        where value_raw is null""")
    con.execute("""
        insert into raw.parsed_reports (document_id, content_sha256, parser_version, parse_status, error, title,
                                        agency_name, agency_as_printed, report_year, era, published_on,
                                        n_metrics, n_checks_failed, warnings, parsed_at)
        select d.document_id, d.sha, 'bench',
               case when d.unparseable then 'image_only' else 'parsed' end, null,
               '机构' || d.a || d.y || '年政府信息公开工作年度报告',
               case when d.unparseable then null else '浙江机构' || d.a || '局' end, '机构' || d.a,
               case when d.unparseable then null else d.y end,
               case when d.unparseable then null else d.era end,
               cast(d.fetched as date) - 1,
               coalesce(n.n, 0), case when d.r % 17 = 0 then 1 else 0 end, '[]', d.fetched
        from gen_docs d
        left join (select document_id, count(*) as n from raw.parsed_metrics group by 1) n using (document_id)""")
    con.execute("""
        insert into raw.parsed_checks
        select document_id, 't3_identity__total', case when r % 17 = 0 then 'fail' else 'pass' end,
               case when r % 17 = 0 then '1+0 != 0+0' end
        from gen_docs where not unparseable and era <> 'pre2019'
        union all
        select document_id, 't4_sum__review', 'pass', null
        from gen_docs where not unparseable and era <> 'pre2019'""")


PROFILES_DIR = DBT_DIR


def run_dbt(db: Path, work: Path, *args: str) -> float:
    env = dict(os.environ, GOVREPORTS_DUCKDB=str(db), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [str(dbt), *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(PROFILES_DIR),
           "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stdout[-5000:], proc.stderr[-2000:])
        raise SystemExit(f"dbt {' '.join(args)} failed")
    summary = [line for line in proc.stdout.splitlines() if "Done. PASS=" in line]
    print(f"    {summary[-1].split('Done. ')[-1] if summary else ''}")
    # where the time goes: dbt start-up + parsing vs. running the nodes (models / tests)
    results = work / "target" / "run_results.json"
    if results.exists():
        import json
        data = json.loads(results.read_text())
        by_kind: dict[str, float] = {}
        for r in data["results"]:
            kind = r["unique_id"].split(".")[0]
            by_kind[kind] = by_kind.get(kind, 0.0) + r["execution_time"]
        nodes = data.get("elapsed_time") or 0.0
        print(f"    start-up + parse {elapsed - nodes:5.1f} s, nodes {nodes:5.1f} s ("
              + ", ".join(f"{k}s {v:.1f} s" for k, v in sorted(by_kind.items())) + ")")
        slow = sorted(data["results"], key=lambda r: -r["execution_time"])[:5]
        print("    slowest: " + ", ".join(f"{r['unique_id'].split('.')[-1][:40]} {r['execution_time']:.2f}" for r in slow))
    return elapsed


def record_raw_writes(db: Path) -> None:
    """The raw rows are generated in SQL here, not through warehouse.writer: record their writes as
    the writer does (pipeline.raw_table_versions), so that the nightly step sees what changed."""
    from pipelines.warehouse.changes import note_write
    from pipelines.warehouse.raw_schema import RAW_TABLES

    with duckdb.connect(str(db)) as con:
        for table in RAW_TABLES:
            note_write(con, table, compare=True)


NIGHTLY_STEP = """
import json, sys, time
import dagster as dg
from pipelines.assets.dbt import dbt_resource, govreports_dbt_models
from pipelines.assets.settings import PipelineSettings
settings = PipelineSettings(duckdb_path=sys.argv[1], full_build=sys.argv[2] == "full")
t0 = time.perf_counter()
ok = dg.materialize([govreports_dbt_models], resources={"dbt": dbt_resource, "settings": settings},
                    instance=dg.DagsterInstance.ephemeral(), raise_on_error=False).success
print(json.dumps({"ok": ok, "step_s": time.perf_counter() - t0}))
"""


def nightly_step(db: Path, work: Path, *, full: bool = False) -> float:
    """The dbt step of a nightly run in a fresh process; prints its plan; returns the step's seconds."""
    import json
    env = dict(os.environ, GOVREPORTS_DUCKDB=str(db), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", NIGHTLY_STEP, str(db), "full" if full else "plan"], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {"ok": False}
    if proc.returncode != 0 or not result["ok"]:
        (work / "nightly.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
        raise SystemExit(f"nightly dbt step failed: see {work / 'nightly.log'}")
    with duckdb.connect(str(db), read_only=True) as con:
        selection, reason = con.execute(
            "SELECT selection, reason FROM pipeline.dbt_builds ORDER BY built_at DESC LIMIT 1").fetchone()
    print(f"    plan: {reason}")
    print(f"    process {wall:5.1f} s (interpreter and imports {wall - result['step_s']:4.1f} s, paid once per run)")
    return result["step_s"]


def read_queries(path: Path = QUERIES) -> list[tuple[str, str]]:
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"^-- name: (\S+)\s*$", text, flags=re.M)
    return [(parts[i], parts[i + 1].strip().rstrip(";")) for i in range(1, len(parts), 2)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=100_000, help="reports in the full build (default 100000)")
    ap.add_argument("--db", type=Path, default=None, help="DuckDB file (default: a temporary directory)")
    ap.add_argument("--profiles-dir", type=Path, default=DBT_DIR, help="dbt profiles dir (default dbt_project/)")
    args = ap.parse_args()
    global PROFILES_DIR
    PROFILES_DIR = args.profiles_dir

    work = Path(tempfile.mkdtemp(prefix="bench_dbt_"))
    db = args.db or work / "bench.duckdb"
    if db.exists():
        db.unlink()
    n = args.reports
    print(f"bench_dbt: {n} reports, DuckDB {duckdb.__version__}, {os.cpu_count()} CPUs, db {db}, dbt artifacts {work}")

    t0 = time.perf_counter()
    write_raw_tables(db, {})
    con = duckdb.connect(str(db))
    generate(con, 0, n)
    counts = {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0]
              for t in ("agencies", "documents", "parsed_metrics")}
    con.close()
    print(f"generate raw:      {time.perf_counter() - t0:7.1f} s  ({counts})")

    full = run_dbt(db, work, "build")
    print(f"dbt build (full):  {full:7.1f} s   target <= 120 s")

    n_new = max(1, n // 100)
    con = duckdb.connect(str(db))
    n_agencies = con.execute("select count(*) from raw.agencies").fetchone()[0]
    generate(con, n, n_new, year=FIRST_YEAR + YEARS_PER_AGENCY, n_agencies=n_agencies)
    con.close()
    inc = run_dbt(db, work, "build")
    print(f"dbt build (+1 %):  {inc:7.1f} s   = {100 * inc / full:.1f} % of full (target <= 10 %)")
    # the same build again with nothing new: what every nightly build costs whatever arrived (dbt
    # start-up and parse, one round trip per node, the tests of the latest batch, the models that
    # are rebuilt whole); the +1 % build's excess over it is the new data's share
    idle = run_dbt(db, work, "build")
    print(f"dbt build (no new data): {idle:5.1f} s   = {100 * idle / full:.1f} % of full (fixed cost of a build)")
    share = max(0.0, inc - idle)
    print(f"    the +1 % build minus this = the new data's share: {share:5.1f} s = {100 * share / full:.1f} % of full")

    # the nightly dbt step (pipelines/assets/dbt.py) on the same warehouse. Its build of a warehouse
    # without a recorded build is the plain `dbt build` above, so its figures are shares of that full
    # build; the first step here (forced, nothing new) only records the build the next ones plan from.
    record_raw_writes(db)
    baseline = nightly_step(db, work, full=True)
    print(f"nightly dbt step, forced build, nothing new: {baseline:6.1f} s (records the build to plan from)")
    con = duckdb.connect(str(db))
    generate(con, n + n_new, n_new, year=FIRST_YEAR + YEARS_PER_AGENCY + 1, n_agencies=n_agencies)
    con.close()
    record_raw_writes(db)
    night_inc = nightly_step(db, work)
    print(f"nightly dbt step, +1 %:        {night_inc:6.1f} s = {100 * night_inc / full:.1f} % of the full build")
    night_idle = nightly_step(db, work)
    print(f"nightly dbt step, nothing new: {night_idle:6.1f} s = {100 * night_idle / full:.1f} % of the full build "
          f"(target <= 10 %)")

    con = duckdb.connect(str(db), read_only=True)
    n_reports = con.execute("select count(*) from marts.fct_report").fetchone()[0]
    n_metrics = con.execute("select count(*) from marts.fct_disclosure_metric").fetchone()[0]
    print(f"marts: fct_report {n_reports} rows, fct_disclosure_metric {n_metrics} rows")
    for name, sql in read_queries():
        t0 = time.perf_counter()
        result = con.execute(sql).fetchall()
        dt = time.perf_counter() - t0
        print(f"query {name:40s} {dt:6.3f} s  ({len(result)} rows)   target < 1 s")
    con.close()


if __name__ == "__main__":
    main()

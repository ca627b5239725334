"""Parser benchmark on generated HTML reports.

    python bench/bench_parse.py [--n 2000] [--seed 0]

Figures printed (no assertions):
  * throughput of pipelines.parse.parse_document in reports/s over N HTML reports;
  * the ratio of the parser's time per report to plain lxml.html.fromstring over the same bytes
    (target ≤ 3×), overall and per layout;

How the ratio is measured: both sides run in this process over the very same byte strings, after a
warm-up pass of both (imports, lxml's parser, the parser's label caches). Each timed pass runs,
layout by layout, lxml over the layout's reports and the parser over the same reports, alternating
which goes first; the figures are the median of --passes passes (default 5), so one pass disturbed
by other load on the machine does not decide the result. The load average is printed alongside.
  * which parser ran: compiled with mypyc (pipelines/parse/compiled) or pure Python, and why;
  * peak memory while parsing 1,000 and 4,000 reports (tracemalloc peak of Python allocations and
    the process's max RSS; target: flat, i.e. the parser keeps nothing between documents).

Reports come from pipelines.demo.generator (generate_corpus(scale=N)) when it is importable, else
from a small self-contained renderer of 2021-format reports below.
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import sys
import time
import tracemalloc
from collections import defaultdict
from statistics import median
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lxml.html  # noqa: E402

from pipelines.parse import parse_document  # noqa: E402

try:  # which parser runs: the mypyc build of pipelines/parse, or pure Python and why
    from pipelines.parse.compiled import STATE as PARSER_STATE  # noqa: E402
except ImportError:
    PARSER_STATE = "pure Python (no pipelines.parse.compiled)"


# --------------------------------------------------------------------------- inputs

def _fallback_reports(n: int, seed: int) -> list[tuple[str, bytes, str]]:
    """(layout, body, filename) for n synthetic 2021-format reports (national template labels)."""
    rng = random.Random(seed)
    cols = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    t3 = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开",
          "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "1.属于国家秘密", "2.其他法律行政法规禁止公开",
          "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
          "7.属于行政执法案卷", "8.属于行政查询事项", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
          "3.补正后申请内容仍不明确", "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
          "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息",
          "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
          "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "（七）总计",
          "四、结转下年度继续办理"]
    out = []
    for i in range(n):
        year = 2021 + i % 4
        title = f"示例市第{i}局{year}年政府信息公开工作年度报告"
        rows = ['<tr><td colspan="4">第二十条第（一）项</td></tr>',
                "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"]
        for label in ("规章", "行政规范性文件"):
            rows.append(f"<tr><td>{label}</td>" + "".join(f"<td>{rng.randint(0, 30)}</td>" for _ in range(3)) + "</tr>")
        for item, label in (("（五）", "行政许可"), ("（六）", "行政处罚"), ("（六）", "行政强制")):
            rows.append(f'<tr><td colspan="4">第二十条第{item}项</td></tr>'
                        '<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>'
                        f'<tr><td>{label}</td><td colspan="3">{rng.randint(0, 900)}</td></tr>')
        rows.append('<tr><td colspan="4">第二十条第（八）项</td></tr><tr><td>信息内容</td>'
                    '<td colspan="3">本年收费金额（单位：万元）</td></tr>'
                    f'<tr><td>行政事业性收费</td><td colspan="3">{rng.randint(0, 99999) / 100}</td></tr>')
        t3rows = ['<tr><td colspan="3" rowspan="2">（本列勾稽关系：第一项加第二项之和等于第三项加第四项之和）</td>'
                  '<td colspan="7">申请人情况</td></tr>', "<tr>" + "".join(f"<td>{c}</td>" for c in cols) + "</tr>"]
        for label in t3:
            vals = [rng.randint(0, 3) for _ in range(6)]
            t3rows.append(f'<tr><td colspan="3">{label}</td>' + "".join(f"<td>{v}</td>" for v in vals)
                          + f"<td>{sum(vals)}</td></tr>")
        t4 = [rng.randint(0, 5) for _ in range(15)]
        body = (f'<html><head><meta charset="utf-8"><title>{title}</title>'
                f'<meta name="PubDate" content="{year + 1}-02-0{1 + i % 9} 10:00"></head><body>'
                f'<div class="nav">首页</div><div id="zoom"><p>{title}</p><p>一、总体情况</p>'
                f"<p>本报告统计期限自{year}年1月1日起至{year}年12月31日止。</p>"
                f'<p>二、主动公开政府信息情况</p><table border="1">{"".join(rows)}</table>'
                f'<p>三、收到和处理政府信息公开申请情况</p><table border="1">{"".join(t3rows)}</table>'
                '<p>四、政府信息公开行政复议、行政诉讼情况</p><table border="1">'
                '<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>'
                "<tr>" + "".join(f"<td>{v}</td>" for v in t4) + "</tr></table>"
                "<p>五、存在的主要问题及改进情况</p><p>无。</p></div></body></html>")
        out.append(("fallback_grid", body.encode("utf-8"), f"r{i}.html"))
    return out


def build_reports(n: int, seed: int) -> tuple[list[tuple[str, bytes, str]], str]:
    try:
        from pipelines.demo.generator import generate_corpus
    except ImportError:
        return _fallback_reports(n, seed), "self-contained renderer (pipelines.demo.generator not importable)"
    corpus = generate_corpus(seed=seed, scale=n)
    docs = [(d.layout, d.body, d.filename) for r in corpus.reports for d in r.documents
            if d.format == "html" and d.role == "primary"]
    if len(docs) < n:  # top up if the generator made fewer HTML primaries than asked
        docs += _fallback_reports(n - len(docs), seed)
    return docs[:n], "pipelines.demo.generator.generate_corpus(scale=N)"


# --------------------------------------------------------------------------- measurements

def _pass(groups: dict[str, list[tuple[bytes, str]]], lxml_first: bool) -> dict[str, tuple[float, float]]:
    """One timed pass: layout → (parser seconds, lxml seconds) over the layout's reports."""
    out = {}
    perf = time.perf_counter
    fromstring = lxml.html.fromstring
    for layout, items in groups.items():
        for side in ((0, 1) if lxml_first else (1, 0)):
            t0 = perf()
            if side:
                for body, name in items:
                    parse_document(body, filename=name)
            else:
                for body, _ in items:
                    fromstring(body)
            dt = perf() - t0
            if side:
                t_parse = dt
            else:
                t_lxml = dt
        out[layout] = (t_parse, t_lxml)
    return out


def time_both(docs, passes: int = 5) -> tuple[float, float, dict]:
    """Median over passes: (parser seconds, lxml seconds, {layout: [parser s, lxml s, n]})."""
    groups: dict[str, list[tuple[bytes, str]]] = defaultdict(list)
    for layout, body, name in docs:
        groups[layout].append((body, name))
    runs = [_pass(groups, lxml_first=i % 2 == 0) for i in range(max(passes, 1))]
    per_layout = {layout: [median(r[layout][0] for r in runs), median(r[layout][1] for r in runs), len(items)]
                  for layout, items in groups.items()}
    t_parse = median(sum(v[0] for v in r.values()) for r in runs)
    t_lxml = median(sum(v[1] for v in r.values()) for r in runs)
    return t_parse, t_lxml, per_layout


def _load() -> float:
    """1-minute load average (other processes on the machine disturb the timings)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def peak_memory(docs) -> tuple[float, float]:
    gc.collect()
    tracemalloc.start()
    for _, body, name in docs:
        parse_document(body, filename=name)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20, rss_kb / 1024


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="bench_parse")
    ap.add_argument("--n", type=int, default=2000, help="reports for the throughput run (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--passes", type=int, default=5, help="timed passes; figures are their median (default 5)")
    a = ap.parse_args(argv)
    n = max(a.n, 1)

    compiled = PARSER_STATE == "compiled"
    print(f"parser: {'compiled with mypyc (pipelines/parse/_compiled)' if compiled else PARSER_STATE}")
    t = time.perf_counter()
    docs, source = build_reports(max(n, 4000), a.seed)
    print(f"inputs: {len(docs)} HTML reports from {source} in {time.perf_counter() - t:.1f}s; "
          f"mean size {sum(len(b) for _, b, _ in docs) / len(docs) / 1024:.1f} KiB")

    run = docs[:n]
    time_both(run, passes=1)  # warm-up of both sides: imports, lxml's parser, regex and label caches
    load = _load()
    t_parse, t_lxml, per_layout = time_both(run, passes=a.passes)
    print(f"(median of {max(a.passes, 1)} passes; load average {load:.2f} before, {_load():.2f} after)")
    print(f"parse_document: {len(run)} reports in {t_parse:.2f}s = {len(run) / t_parse:,.0f} reports/s "
          f"({t_parse / len(run) * 1000:.2f} ms/report)")
    print(f"lxml.html.fromstring on the same bytes: {t_lxml / len(run) * 1000:.2f} ms/report; "
          f"ratio parser/lxml = {t_parse / t_lxml:.2f}x (target <= 3x)")
    for layout, (tp, tl, k) in sorted(per_layout.items()):
        print(f"  {layout:16s} {k:5d} reports  {tp / k * 1000:6.2f} ms vs lxml {tl / k * 1000:5.2f} ms  "
              f"ratio {tp / tl:5.2f}x")

    for k in (1000, 4000):
        peak, rss = peak_memory(docs[:k])
        print(f"memory while parsing {k:5d} reports: tracemalloc peak {peak:6.1f} MiB, max RSS {rss:6.1f} MiB")
    print("(flat = the peak does not grow with the number of reports parsed)")


if __name__ == "__main__":
    main()

"""The parser compiled with mypyc (pipelines/parse/compiled) gives exactly what the pure Python
parser gives, and a build is used only while it matches the sources and the interpreter.

The equality test runs a corpus of every format through the compiled parser in this process and
through the pure Python parser in a fresh interpreter (GOVREPORTS_PURE_PYTHON=1, this file run as a
script), and compares the JSON of every result, exceptions included (type and message). It skips,
saying why, when this process does not run the compiled parser (no build, a stale one, or
GOVREPORTS_PURE_PYTHON set): `make test` builds it first.
"""
from __future__ import annotations

import importlib
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.parse import compiled, parse_document

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT.parent / "shared" / "seeds"


# --------------------------------------------------------------------------- both sides

def corpus() -> list[tuple[str, bytes, dict]]:
    """(id, bytes, parse_document kwargs): the demo corpus (HTML layouts, DOCX, a third of its PDFs,
    legacy .doc, reposts) whole, bare, truncated and with hints, 300 generated HTML reports, the seeds,
    and bytes that are no document at all."""
    from pipelines.demo.generator import generate_corpus

    items: list[tuple[str, bytes, dict]] = []
    n_pdf = 0
    for i, (r, d) in enumerate((r, d) for r in generate_corpus(seed=0).reports for d in r.documents):
        if d.format == "pdf":  # its reader is not compiled, and pdfplumber is slow: one in three
            n_pdf += 1
            if n_pdf % 3 != 1:
                continue
        items.append((f"demo{i}_{d.format}", d.body,
                      {"filename": d.filename, "media_type": d.content_type or d.media_type}))
        if d.format != "pdf":  # (a PDF is read the same without its name)
            items.append((f"demo{i}_bare", d.body, {}))
        items.append((f"demo{i}_cut", d.body[: len(d.body) // 2], {"filename": d.filename}))
        if i % 4 == 0:
            items.append((f"demo{i}_hints", d.body, {"filename": d.filename, "agency": r.agency_name,
                                                     "year": r.report_year + i % 3 - 1}))
        if i % 9 == 0:
            items.append((f"demo{i}_shortname", d.body, {"filename": d.filename, "agency": "市经信局"}))
    for i, d in enumerate(d for r in generate_corpus(seed=0, scale=300).reports for d in r.documents):
        items.append((f"scale{i}_{d.layout}", d.body, {"filename": d.filename}))
    if SEEDS.is_dir():
        for p in sorted(SEEDS.glob("*.txt")):
            items.append((f"seed_{p.name}", p.read_bytes(), {"filename": p.name}))
            items.append((f"seed_{p.name}_as_html", p.read_bytes(), {"filename": p.stem + ".html"}))
    items += [("empty", b"", {}), ("blank", b" \r\n\t ", {"filename": "x.html"}),
              ("png", b"\x89PNG\r\n\x1a\n" + bytes(64), {}), ("zip", b"PK\x03\x04" + bytes(60), {}),
              ("binary", bytes(range(256)) * 8, {}), ("pdf_junk", b"%PDF-1.7\n junk", {"filename": "r.pdf"}),
              ("docx_junk", b"PK\x03\x04 junk", {"filename": "r.docx"}),
              ("ole", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), {"filename": "r.wps"}),
              ("gbk_html", "<html><head><meta charset=gbk><title>某局2020年政府信息公开工作年度报告</title></head>"
               "<body><table><tr><td>规章</td><td>3</td></tr></table></body></html>".encode("gb18030"), {})]
    return items


def run(items) -> dict[str, str]:
    """id → JSON of parse_document's result, or of the exception it raised (type and message)."""
    out = {}
    for id_, data, kw in items:
        try:
            res: object = parse_document(data, **kw)
        except Exception as exc:  # any exception must be the same on both sides too
            res = {"raised": type(exc).__name__, "message": str(exc)}
        out[id_] = json.dumps(res, ensure_ascii=False, default=repr) + " " + _types(res)
    return out


def _types(v) -> str:
    """The Python types under a result (JSON says 1 for True and [] for a tuple)."""
    if isinstance(v, dict):
        return "{" + ",".join(f"{k}:{_types(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return type(v).__name__[0] + "[" + ",".join(_types(x) for x in v) + "]"
    return type(v).__name__[0]


def _pythonpath() -> list[str]:
    return [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]


def module_files() -> dict[str, str]:
    return {m: importlib.import_module(f"{compiled.PACKAGE}.{m}").__file__ for m in compiled.COMPILED}


# --------------------------------------------------------------------------- compiled == pure

@pytest.fixture(scope="module")
def compiled_active():
    if compiled.STATE != "compiled":
        pytest.skip(f"the compiled parser is not active in this process: {compiled.STATE}")


def test_compiled_modules_are_the_build(compiled_active):
    for m, f in module_files().items():
        assert f.endswith(compiled.EXT) and f"{os.sep}_compiled{os.sep}" in f, (m, f)
    # the modules that must stay Python are Python
    for m in ("memo", "catalog", "agencies", "errors", "readers.text"):
        assert importlib.import_module(f"{compiled.PACKAGE}.{m}").__file__.endswith(".py"), m


def test_compiled_output_is_the_pure_python_output(compiled_active, tmp_path):
    items = corpus()
    inputs, output = tmp_path / "inputs.pkl", tmp_path / "pure.json"
    inputs.write_bytes(pickle.dumps(items))
    env = {**os.environ, compiled.ENV_PURE: "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), *_pythonpath()])}
    env.pop(compiled.ENV_DIR, None)
    pure = subprocess.Popen([sys.executable, __file__, str(inputs), str(output)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    got = run(items)  # meanwhile, here: compiled
    log, _ = pure.communicate(timeout=600)
    assert pure.returncode == 0, log
    other = json.loads(output.read_text(encoding="utf-8"))

    assert other["state"] == f"pure Python ({compiled.ENV_PURE} is set)"
    for m, f in other["modules"].items():
        assert f.endswith(".py") and "_compiled" not in f, (m, f)
    assert module_files()["readers.html"].endswith(compiled.EXT)  # read_html ran compiled here

    want = other["results"]
    assert set(got) == set(want)
    differ = [k for k in want if got[k] != want[k]]
    assert not differ, (f"{len(differ)} of {len(want)} inputs differ, e.g. {differ[:5]}; first:\n"
                        f"  pure:     {want[differ[0]][:1500]}\n  compiled: {got[differ[0]][:1500]}")
    raised = sum('"raised"' in v for v in want.values())
    assert raised >= 5 and len(want) - raised > 500  # both kinds of outcome were compared
    assert sum('"parse_status": "parsed"' in v for v in want.values()) > 400


# --------------------------------------------------------------------------- the stamp

def _fresh_stamp() -> dict:
    return {"format": compiled.STAMP_FORMAT, "group": compiled.GROUP, "modules": list(compiled.COMPILED),
            "interpreter": compiled.interpreter_tag(), "mypy": "x", "sources": compiled.source_hashes()}


def test_a_stamp_of_the_current_sources_and_interpreter_is_accepted():
    assert compiled.check_stamp(_fresh_stamp()) is None


def test_a_changed_source_is_refused():
    stamp = _fresh_stamp()
    stamp["sources"]["parse/tables.py"] = "0" * 64
    assert "parse/tables.py" in compiled.check_stamp(stamp)
    stamp = _fresh_stamp()
    stamp["sources"]["encoding.py"] = "0" * 64  # compiled code was type-checked against it
    assert "encoding.py" in compiled.check_stamp(stamp)


def test_an_added_or_removed_source_is_refused():
    stamp = _fresh_stamp()
    del stamp["sources"]["parse/readers/docx.py"]  # = a file added since the build
    assert "parse/readers/docx.py" in compiled.check_stamp(stamp)
    stamp = _fresh_stamp()
    stamp["sources"]["parse/gone.py"] = "0" * 64
    assert "parse/gone.py" in compiled.check_stamp(stamp)


def test_another_interpreter_or_module_list_is_refused():
    stamp = _fresh_stamp()
    other = "cpython-3.11.99" + compiled.EXT
    assert "3.11.99" in compiled.check_stamp(stamp, interpreter=other)
    stamp["interpreter"] = "cpython-3.12.0.cpython-312-x86_64-linux-gnu.so"
    assert compiled.check_stamp(stamp) is not None
    stamp = _fresh_stamp()
    stamp["modules"] = stamp["modules"][1:]
    assert compiled.check_stamp(stamp) is not None
    assert compiled.check_stamp({**_fresh_stamp(), "format": 0}) is not None
    assert compiled.check_stamp({**_fresh_stamp(), "sources": None}) is not None


def test_source_hashes_cover_every_py_below_the_package_and_skip_the_build(tmp_path):
    pipelines = tmp_path / "pipelines"
    shutil.copytree(ROOT / "pipelines" / "parse", pipelines / "parse",
                    ignore=shutil.ignore_patterns("_compiled", "__pycache__"))
    shutil.copy(ROOT / "pipelines" / "encoding.py", pipelines / "encoding.py")
    before = compiled.source_hashes(str(pipelines))
    assert before == compiled.source_hashes()
    assert "parse/readers/html.py" in before and "parse/compiled/__init__.py" in before
    (pipelines / "parse" / "_compiled" / "x").mkdir(parents=True)
    (pipelines / "parse" / "_compiled" / "x" / "junk.py").write_text("x = 1\n")
    assert compiled.source_hashes(str(pipelines)) == before
    (pipelines / "parse" / "readers" / "new.py").write_text("x = 1\n")
    assert set(compiled.source_hashes(str(pipelines))) - set(before) == {"parse/readers/new.py"}
    with open(pipelines / "parse" / "era.py", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    assert compiled.source_hashes(str(pipelines))["parse/era.py"] != before["parse/era.py"]


# --------------------------------------------------------------------------- activation

def _copy_of_the_build(tmp_path: Path) -> Path:
    build = Path(compiled.CURRENT)
    if not (build / "stamp.json").is_file():
        pytest.skip(f"no compiled build in {compiled.CURRENT} (make compiled)")
    stamp = json.loads((build / "stamp.json").read_text(encoding="utf-8"))
    if compiled.check_stamp(stamp) is not None:
        pytest.skip(f"the compiled build is not current: {compiled.check_stamp(stamp)}")
    copy = tmp_path / "build"
    shutil.copytree(build.resolve(), copy)
    return copy


def _import_in_fresh_interpreter(build: Path) -> dict:
    code = ("import json; from pipelines.parse import compiled, parse_document; "
            "import pipelines.parse.tables as t; "
            "r = parse_document(b'<html><title>x</title><table><tr><td>a</td></tr></table></html>'); "
            "print(json.dumps([compiled.STATE, t.__file__, r['parse_status']]))")
    env = {**os.environ, compiled.ENV_DIR: str(build),
           "PYTHONPATH": os.pathsep.join([str(ROOT), *_pythonpath()])}
    env.pop(compiled.ENV_PURE, None)
    p = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    state, tables_file, status = json.loads(p.stdout.strip().splitlines()[-1])
    return {"state": state, "tables": tables_file, "status": status}


def test_a_copy_of_the_build_with_its_stamp_is_used(tmp_path):
    got = _import_in_fresh_interpreter(_copy_of_the_build(tmp_path))
    assert got["state"] == "compiled" and got["tables"].startswith(str(tmp_path)), got


def test_a_build_whose_stamp_no_longer_matches_is_refused(tmp_path):
    build = _copy_of_the_build(tmp_path)
    stamp = json.loads((build / "stamp.json").read_text(encoding="utf-8"))
    stamp["sources"]["parse/numbers.py"] = "0" * 64
    (build / "stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
    got = _import_in_fresh_interpreter(build)
    assert got["state"].startswith("pure Python (compiled build stale: parse/numbers.py"), got
    assert got["tables"].endswith("tables.py") and got["status"] == "not_a_report"

    stamp["sources"] = compiled.source_hashes()
    stamp["interpreter"] = "cpython-3.11.0.cpython-311-x86_64-linux-gnu.so"
    (build / "stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
    got = _import_in_fresh_interpreter(build)
    assert got["state"].startswith("pure Python (compiled build built for cpython-3.11.0"), got
    assert got["tables"].endswith("tables.py")


def test_a_build_that_fails_to_load_falls_back_to_pure_python(tmp_path):
    build = _copy_of_the_build(tmp_path)
    (build / f"{compiled.GROUP}__mypyc{compiled.EXT}").write_bytes(b"not a shared library")
    got = _import_in_fresh_interpreter(build)
    assert got["state"].startswith("pure Python (compiled build failed to load: ImportError"), got
    assert got["tables"].endswith("tables.py") and got["status"] == "not_a_report"


def test_no_build_means_pure_python(tmp_path):
    got = _import_in_fresh_interpreter(tmp_path / "nothing")
    assert got["state"].startswith("pure Python (no compiled build"), got
    assert got["tables"].endswith("tables.py")


if __name__ == "__main__":  # the pure Python side: python test_compiled.py INPUTS OUTPUT
    results = run(pickle.loads(Path(sys.argv[1]).read_bytes()))
    side = {"state": compiled.STATE, "modules": module_files(), "results": results}
    Path(sys.argv[2]).write_text(json.dumps(side, ensure_ascii=False), encoding="utf-8")

"""The parser compiled with mypyc (and the HTML reader's C walk with Cython): build it, and use it
only while it is exactly the current source.

    python -m pipelines.parse.compiled build [--tools DIR] [--best-effort] [--force]
    python -m pipelines.parse.compiled status
    python -m pipelines.parse.compiled remove

(A package only so that ``python -m`` runs __main__.py: the parser's __init__ imports this module,
and running an already imported module with -m draws a RuntimeWarning.)

The source stays plain Python and is the reference. ``build`` (run by ``make``) compiles the modules
of COMPILED with mypyc, and readers/_html_walk.pyx (WALK) with Cython, from a snapshot of the
sources into ``_compiled/build-<id>/`` (gitignored,
never next to the .py files), checks that the compiled parser gives the same output as the pure
Python one on a corpus of every format, then switches the ``_compiled/current`` link to it in one
atomic step. ``stamp.json`` in the build records what it was compiled from: the hash of every .py
and .pyx under pipelines/parse and of pipelines/encoding.py, the interpreter and the tool versions.

``activate`` (called by ``pipelines/parse/__init__.py`` before anything else is imported) uses the
build only when GOVREPORTS_PURE_PYTHON is unset or empty and the stamp matches the sources and the
interpreter as they are now; otherwise, or on any failure, the parser runs as pure Python. STATE says
which ran and why. The build needs nothing at run time: the build tools (mypy, Cython, setuptools) live
apart, in .venv/build-tools (requirements-build.lock), because mypy 2.4 cannot share the venv with
dbt-core (pathspec).

How the compiled modules are found: mypyc puts the code of every module in one shared library
``govreports_parse__mypyc`` (imported by that top-level name) and one small shim extension per
module that calls into it. activate() loads the shared library into sys.modules and puts the
build's package directory first on ``pipelines.parse.__path__`` (and on the readers' __path__), so
``import pipelines.parse.tables`` finds the shim before tables.py. Modules not compiled (memo, catalog,
agencies, errors, the pdf/docx/text readers, pipelines.encoding) are found in the source directory.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES

# Modules compiled, relative to pipelines.parse. Not compiled: memo (sets attributes on a nested
# function, which mypyc functions do not support), catalog and agencies (find their data files via
# __file__), errors, __init__ files, compiled (this module), the pdf/docx/text readers (their time is
# spent in pdfplumber/python-docx) and pipelines.encoding (shared with the crawler).
COMPILED = ("pipeline", "tables", "checks", "grid", "era", "model", "flat", "pre2019", "labels", "numbers",
            "meta", "narrative", "sniff", "readers.html")
# readers/_html_walk.pyx (Cython): the HTML reader's table and block-text walks over libxml2's nodes;
# readers/html.py takes its Python path when this module is not there (pure Python, stale build)
WALK = "readers._html_walk"
GROUP = "govreports_parse"  # mypyc group name → shared library govreports_parse__mypyc
ENV_PURE = "GOVREPORTS_PURE_PYTHON"
ENV_DIR = "GOVREPORTS_COMPILED_DIR"  # a build directory to use instead of _compiled/current (build checks)
STAMP_FORMAT = 1

PACKAGE = __name__.rpartition(".")[0]  # pipelines.parse
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # pipelines/parse
PIPELINES_DIR = os.path.dirname(PACKAGE_DIR)
BUILD_ROOT = os.path.join(PACKAGE_DIR, "_compiled")
CURRENT = os.path.join(BUILD_ROOT, "current")
EXT = EXTENSION_SUFFIXES[0]  # .cpython-311-x86_64-linux-gnu.so

STATE = "pure Python (not activated)"  # "compiled", or "pure Python (<why>)"
ACTIVE_DIR: str | None = None  # the build in use: <build>/pipelines/parse
_PUBLIC_DIR: str | None = None  # the same through the current link (what __path__ holds)


# --------------------------------------------------------------------------- stamp

def interpreter_tag() -> str:
    """What a compiled extension is tied to: implementation, exact version, ABI suffix."""
    v = sys.version_info
    return f"{sys.implementation.name}-{v[0]}.{v[1]}.{v[2]}{EXT}"


def source_hashes(pipelines_dir: str = PIPELINES_DIR) -> dict[str, str]:
    """sha256 of every .py and .pyx under pipelines/parse (recursively, build directory excluded)
    and of pipelines/encoding.py, keyed by the path relative to pipelines/."""
    out: dict[str, str] = {}
    package_dir = os.path.join(pipelines_dir, "parse")
    for root, dirs, files in os.walk(package_dir):
        dirs[:] = sorted(d for d in dirs if d not in ("_compiled", "__pycache__") and d[:1] != ".")
        for name in files:
            if name.endswith((".py", ".pyx")):
                path = os.path.join(root, name)
                with open(path, "rb") as fh:
                    out[os.path.relpath(path, pipelines_dir).replace(os.sep, "/")] = \
                        hashlib.sha256(fh.read()).hexdigest()
    with open(os.path.join(pipelines_dir, "encoding.py"), "rb") as fh:
        out["encoding.py"] = hashlib.sha256(fh.read()).hexdigest()
    return dict(sorted(out.items()))


def check_stamp(stamp: dict, sources: dict[str, str] | None = None,
                interpreter: str | None = None) -> str | None:
    """None when a build with this stamp is the current source for this interpreter, else why not."""
    if not isinstance(stamp, dict) or stamp.get("format") != STAMP_FORMAT:
        return "unknown stamp format"
    want = interpreter_tag() if interpreter is None else interpreter
    if stamp.get("interpreter") != want:
        return f"built for {stamp.get('interpreter')}, this is {want}"
    if stamp.get("group") != GROUP or list(stamp.get("modules") or ()) != list(COMPILED):
        return "built with another module list"
    have = source_hashes() if sources is None else sources
    built = stamp.get("sources")
    if not isinstance(built, dict):
        return "stamp has no source hashes"
    if built != have:
        changed = sorted(k for k in set(built) | set(have) if built.get(k) != have.get(k))
        shown = ", ".join(changed[:3]) + (" …" if len(changed) > 3 else "")
        return f"stale: {shown} changed since the build"
    return None


def _files(build_dir: str) -> list[str]:
    """The extension files of a build: the shared library first, then one shim per module, then
    the Cython tree walk of the HTML reader."""
    pkg = os.path.join(build_dir, *PACKAGE.split("."))
    return [os.path.join(build_dir, GROUP + "__mypyc" + EXT)] + [
        os.path.join(pkg, *m.split(".")) + EXT for m in (*COMPILED, WALK)]


# --------------------------------------------------------------------------- activation

def activate(package_path: list[str]) -> str:
    """Put the compiled build first on pipelines.parse.__path__ when it is current. Never raises."""
    global STATE
    if ACTIVE_DIR is not None:
        return STATE
    try:
        STATE = _activate(package_path)
    except Exception as exc:  # anything at all: the pure Python parser is always there
        _rollback(package_path)
        STATE = f"pure Python (compiled build failed to load: {type(exc).__name__}: {exc})"
    return STATE


def activate_readers(package_path: list[str]) -> None:
    """pipelines.parse.readers: the same build as the parent package, or none. Never raises."""
    try:
        if ACTIVE_DIR is not None and _PUBLIC_DIR is not None:
            d = os.path.join(_PUBLIC_DIR, "readers")
            if d not in package_path:
                package_path.insert(0, d)
    except Exception:  # pragma: no cover (a list insert)
        pass


def _activate(package_path: list[str]) -> str:
    global ACTIVE_DIR, _PUBLIC_DIR
    if os.environ.get(ENV_PURE):
        return f"pure Python ({ENV_PURE} is set)"
    public = os.environ.get(ENV_DIR) or CURRENT
    if not os.path.isdir(public):
        return "pure Python (no compiled build: python -m pipelines.parse.compiled build)"
    # one build for everything below even if `current` is switched meanwhile
    build = os.path.realpath(public)
    with open(os.path.join(build, "stamp.json"), encoding="utf-8") as fh:
        stamp = json.load(fh)
    why = check_stamp(stamp)
    if why:
        return f"pure Python (compiled build {why})"
    files = _files(build)
    missing = [f for f in files if not os.path.isfile(f)]
    if missing:
        return f"pure Python (compiled build incomplete: {os.path.basename(missing[0])} missing)"

    lib_name = GROUP + "__mypyc"
    lib = sys.modules.get(lib_name)
    if lib is None:
        from importlib.machinery import ExtensionFileLoader
        from importlib.util import module_from_spec, spec_from_file_location

        loader = ExtensionFileLoader(lib_name, files[0])
        spec = spec_from_file_location(lib_name, files[0], loader=loader)
        if spec is None:
            return "pure Python (cannot load the compiled library)"
        lib = module_from_spec(spec)
        sys.modules[lib_name] = lib
        try:
            loader.exec_module(lib)
        except BaseException:
            sys.modules.pop(lib_name, None)
            raise
    elif os.path.realpath(getattr(lib, "__file__", "") or "") != os.path.realpath(files[0]):
        return "pure Python (another compiled build is already loaded in this process)"

    pkg_dir = os.path.join(build, *PACKAGE.split("."))
    _PUBLIC_DIR = os.path.join(public, *PACKAGE.split("."))
    ACTIVE_DIR = pkg_dir
    package_path.insert(0, _PUBLIC_DIR)
    # import the compiled pipeline now: if anything is wrong with the build it shows here, where
    # falling back is still possible, and not in the middle of a parse
    import importlib

    before = set(sys.modules)
    try:
        mod = importlib.import_module(PACKAGE + ".pipeline")
        if not (getattr(mod, "__file__", "") or "").endswith(EXT):
            raise ImportError(f"{PACKAGE}.pipeline was not loaded from the build ({mod.__file__})")
    except BaseException:
        for name in set(sys.modules) - before:
            if name.startswith(PACKAGE + ".") and name != __name__:
                del sys.modules[name]
        raise
    return "compiled"


def _rollback(package_path: list[str]) -> None:
    global ACTIVE_DIR, _PUBLIC_DIR
    try:
        if _PUBLIC_DIR in package_path:
            package_path.remove(_PUBLIC_DIR)
        pkg = sys.modules.get(PACKAGE)
        for name in [n for n in sys.modules if n.startswith(PACKAGE + ".") and n != __name__]:
            f = getattr(sys.modules[name], "__file__", None) or ""
            if f.endswith(EXT):
                del sys.modules[name]
                if pkg is not None and "." not in name[len(PACKAGE) + 1:]:
                    pkg.__dict__.pop(name.rsplit(".", 1)[1], None)
    except Exception:  # pragma: no cover
        pass
    ACTIVE_DIR = _PUBLIC_DIR = None


# --------------------------------------------------------------------------- build

_SETUP = """\
import lxml
from Cython.Build import cythonize
from setuptools import Extension, setup
from mypyc.build import mypycify

args = {args!r}
walk = Extension(args["walk_module"], [args["walk_pyx"]], include_dirs=lxml.get_include())
setup(name="govreports-parse-compiled", py_modules=[],
      ext_modules=mypycify(args["paths"], opt_level="3", group_name=args["group"],
                           target_dir=args["c_dir"])
                  + cythonize([walk], build_dir=args["c_dir"], language_level=3, quiet=True),
      script_args=["build_ext", "--build-lib", args["out"], "--build-temp", args["obj"],
                   "--parallel", "2"])
"""

_VERIFY_LIMIT_PDF = 6  # PDFs are slow to read (pdfplumber) and their reader is not compiled


class BuildError(Exception):
    def __init__(self, msg: str, logged: bool = True):
        super().__init__(msg)
        self.logged = logged  # the details are in _compiled/build.log


def _tools_env(tools: str | None, *paths: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (ENV_DIR, "PYTHONPATH")}
    env[ENV_PURE] = "1"
    env["PYTHONPATH"] = os.pathsep.join([p for p in (*paths, tools) if p])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _mypy_version(tools: str | None) -> str:
    """The version of the mypy the build would use (installed in tools, else on sys.path)."""
    from importlib import metadata

    dist = next(iter(metadata.distributions(name="mypy", path=[tools] if tools else sys.path)), None)
    if dist is None:
        where = os.path.relpath(tools) if tools else "sys.path"
        raise BuildError(f"mypy not installed in {where} (make install, or "
                         f"pip install --target .venv/build-tools -r requirements-build.lock)", logged=False)
    return dist.version


def _tools_versions(tools: str | None, mypy_version: str) -> str:
    """Every package of the build tools with its version (from their .dist-info directories)."""
    try:
        names = sorted(n[: -len(".dist-info")] for n in os.listdir(tools or "") if n.endswith(".dist-info"))
    except OSError:
        names = []
    return " ".join(names) or f"mypy-{mypy_version}"


def _snapshot(dest: str) -> None:
    """Copy pipelines/ (the package the compiled modules import, with its data files) to dest."""
    import shutil

    shutil.copytree(PIPELINES_DIR, os.path.join(dest, "pipelines"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_compiled", ".*"))


def _verify_inputs(path: str, seeds_dir: str | None) -> int:
    """A corpus of every format for the build check, pickled to path: (id, bytes, kwargs)."""
    import importlib
    import pickle

    # (imported by name: mypy run on pipelines/parse need not follow it into the demo package)
    generate_corpus = importlib.import_module("pipelines.demo.generator").generate_corpus
    items: list[tuple[str, bytes, dict]] = []
    n_pdf = 0
    for i, (r, d) in enumerate((r, d) for r in generate_corpus(seed=0).reports for d in r.documents):
        if d.format == "pdf":
            n_pdf += 1
            if n_pdf > _VERIFY_LIMIT_PDF:
                continue
        items.append((f"demo{i}", d.body, {"filename": d.filename}))
        items.append((f"demo{i}_bare", d.body, {}))
        items.append((f"demo{i}_cut", d.body[: len(d.body) * 2 // 3], {"filename": d.filename}))
        if i % 5 == 0:
            items.append((f"demo{i}_hint", d.body, {"filename": d.filename, "agency": r.agency_name,
                                                   "year": r.report_year + i % 2}))
    for i, d in enumerate(d for r in generate_corpus(seed=1, scale=200).reports for d in r.documents):
        items.append((f"scale{i}", d.body, {"filename": d.filename}))
    if seeds_dir and os.path.isdir(seeds_dir):
        for name in sorted(os.listdir(seeds_dir)):
            if name.endswith(".txt"):
                with open(os.path.join(seeds_dir, name), "rb") as fh:
                    data = fh.read()
                items.append((f"seed_{name}", data, {"filename": name}))
                items.append((f"seed_{name}_html", data, {"filename": name[:-4] + ".html"}))
    items += [("empty", b"", {}), ("png", b"\x89PNG\r\n\x1a\n" + bytes(64), {}),
              ("zip", b"PK\x03\x04" + bytes(40), {}), ("bin", bytes(range(256)) * 4, {}),
              ("pdf_junk", b"%PDF-1.4 junk", {"filename": "x.pdf"}),
              ("doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), {"filename": "x.doc"})]
    with open(path, "wb") as fh:
        pickle.dump(items, fh)
    return len(items)


def _verify_run(inputs: str, output: str) -> None:
    """(in a fresh interpreter) parse every input, write {id: JSON} plus which parser ran."""
    import pickle

    from pipelines.parse import UnreadableDocument, parse_document  # noqa: F401 (activates)

    with open(inputs, "rb") as fh:
        items = pickle.load(fh)
    out = {}
    for id_, data, kw in items:
        try:
            res: object = parse_document(data, **kw)
        except Exception as exc:
            res = {"__raise__": type(exc).__name__, "msg": str(exc)}
        # the JSON as written, and repr() for what JSON does not tell apart (True/1, tuple/list)
        out[id_] = json.dumps(res, ensure_ascii=False, default=repr) + "\n" + repr(res)
    mods = {m: getattr(sys.modules.get(f"{PACKAGE}.{m}"), "__file__", None) for m in COMPILED}
    with open(output, "w", encoding="utf-8") as fh:
        json.dump({"state": STATE, "modules": mods, "results": out}, fh, ensure_ascii=False)


def _verify(tmp: str, snapshot: str, candidate: str, seeds_dir: str | None, log) -> int:
    """Parse a corpus with the candidate build and with pure Python (both from the snapshot the build
    was compiled from, each in a fresh interpreter): the outputs must be identical."""
    import subprocess

    inputs = os.path.join(tmp, "verify_inputs.pkl")
    n = _verify_inputs(inputs, seeds_dir)
    procs = {}
    for side in ("compiled", "pure"):
        env = _tools_env(None, snapshot)
        env.pop(ENV_PURE)
        if side == "pure":
            env[ENV_PURE] = "1"
        else:
            env[ENV_DIR] = candidate
        out = os.path.join(tmp, f"verify_{side}.json")
        code = (f"import sys; sys.path.insert(0, {snapshot!r}); from pipelines.parse import compiled; "
                f"compiled._verify_run({inputs!r}, {out!r})")
        procs[side] = (subprocess.Popen([sys.executable, "-c", code], env=env, cwd=tmp,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True), out)
    got = {}
    for side, (p, out) in procs.items():
        text, _ = p.communicate(timeout=900)
        log(f"--- verify ({side}): rc {p.returncode}\n{text}")
        if p.returncode:
            last = (text.strip().splitlines() or ["?"])[-1]
            raise BuildError(f"the {side} check run failed: {last}")
        with open(out, encoding="utf-8") as fh:
            got[side] = json.load(fh)
    c, p_ = got["compiled"], got["pure"]
    if c["state"] != "compiled":
        raise BuildError(f"the new build did not activate: {c['state']}")
    not_so = [m for m, f in c["modules"].items() if f and not f.endswith(EXT)]
    if not_so:
        raise BuildError(f"not loaded from the build: {', '.join(not_so)}")
    if p_["state"] == "compiled":
        raise BuildError("the pure Python check run ran compiled code")
    diff = [k for k in p_["results"] if c["results"].get(k) != p_["results"][k]]
    if diff or set(c["results"]) != set(p_["results"]):
        k = diff[0] if diff else "?"
        log(f"first difference, input {k}:\n pure:     {str(p_['results'].get(k))[:3000]}\n"
            f" compiled: {str(c['results'].get(k))[:3000]}")
        raise BuildError(f"compiled output differs from pure Python on {len(diff)} of {n} inputs "
                         f"(first: {k})")
    return n


def build(tools: str | None = None, force: bool = False, verify: bool = True) -> str:
    """Compile, check and install a build unless the current one matches the sources, the interpreter
    and the mypy version (or the last attempt with those failed: --force retries). Returns a one-line
    summary; raises BuildError."""
    import fcntl

    os.makedirs(BUILD_ROOT, exist_ok=True)
    with open(os.path.join(BUILD_ROOT, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time
        mypy_version = _mypy_version(tools)
        tools_versions = _tools_versions(tools, mypy_version)
        sources = source_hashes()
        key = {"interpreter": interpreter_tag(), "mypy": mypy_version, "tools": tools_versions,
               "modules": list(COMPILED), "sources": sources}
        failed_path = os.path.join(BUILD_ROOT, "failed.json")
        if not force:
            old = _read_json(os.path.join(CURRENT, "stamp.json"))
            if (old is not None and check_stamp(old, sources=sources) is None
                    and old.get("tools") == tools_versions):
                where = os.path.relpath(os.path.realpath(CURRENT))
                return f"parser compiled: the mypyc build is current ({where})"
            failed = _read_json(failed_path)
            if failed is not None and failed.get("key") == key:
                raise BuildError(f"{failed.get('reason')} (sources unchanged since that build at "
                                 f"{failed.get('at')}; `build --force` retries)")
        try:
            summary = _build(tools, mypy_version, tools_versions, verify)
        except Exception as exc:
            import subprocess
            import time

            reason = str(exc) if isinstance(exc, BuildError) else f"{type(exc).__name__}: {exc}"
            if isinstance(exc, subprocess.TimeoutExpired):
                reason = f"timed out after {exc.timeout:.0f}s"
            with open(failed_path, "w", encoding="utf-8") as fh:
                json.dump({"key": key, "reason": reason, "at": time.strftime("%Y-%m-%d %H:%M:%S")}, fh,
                          indent=1)
            raise BuildError(reason) from exc
        if os.path.exists(failed_path):
            os.remove(failed_path)
        return summary


def _read_json(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as fh:
            out = json.load(fh)
        return out if isinstance(out, dict) else None
    except (OSError, ValueError):
        return None


def _build(tools: str | None, mypy_version: str, tools_versions: str, verify: bool) -> str:
    import shutil
    import subprocess
    import tempfile
    import time

    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="govreports-mypyc-")  # C sources, objects, the mypy cache
    incoming = os.path.join(BUILD_ROOT, f".incoming-{os.getpid()}")
    with open(os.path.join(BUILD_ROOT, "build.log"), "w", encoding="utf-8") as logf:
        def log(msg: str) -> None:
            logf.write(msg.rstrip("\n") + "\n")
            logf.flush()

        log(f"build tools: {tools_versions} ({tools or 'sys.path'}); {interpreter_tag()}; {sys.executable}")
        try:
            # compile a snapshot: what the stamp says is exactly what was compiled, even if a source
            # is edited during the build
            snapshot = os.path.join(tmp, "src")
            _snapshot(snapshot)
            sources = source_hashes(os.path.join(snapshot, "pipelines"))
            out = os.path.join(tmp, "out")
            pkg = os.path.join(snapshot, *PACKAGE.split("."))
            flags = ["--check-untyped-defs", "--ignore-missing-imports",
                     "--cache-dir", os.path.join(tmp, "mypy_cache")]
            pyproject = os.path.join(os.path.dirname(PIPELINES_DIR), "pyproject.toml")
            if os.path.isfile(pyproject):
                flags[:0] = ["--config-file", pyproject]  # [tool.mypy]
            args = {"paths": [os.path.join(pkg, *m.split(".")) + ".py" for m in COMPILED] + flags,
                    "group": GROUP, "c_dir": os.path.join(tmp, "c"), "out": out,
                    "walk_module": f"{PACKAGE}.{WALK}",
                    "walk_pyx": os.path.join(pkg, *WALK.split(".")) + ".pyx",
                    "obj": os.path.join(tmp, "obj")}
            with open(os.path.join(tmp, "setup_mypyc.py"), "w", encoding="utf-8") as fh:
                fh.write(_SETUP.format(args=args))
            r = subprocess.run([sys.executable, "setup_mypyc.py"], cwd=tmp, env=_tools_env(tools, snapshot),
                               capture_output=True, text=True, timeout=1800)
            log(f"--- mypyc: rc {r.returncode}\n{r.stdout}\n{r.stderr}")
            if r.returncode:
                lines = [x for x in (r.stdout + "\n" + r.stderr).splitlines() if x.strip()]
                # mypyc compiles nothing mypy reports on, notes included
                errs = [x for x in lines if ": error:" in x or ": note:" in x] or lines[-1:] or ["?"]
                more = f" (+{len(errs) - 1} more in the log)" if len(errs) > 1 else ""
                first = errs[0].replace(snapshot + os.sep, "").removeprefix("src" + os.sep)
                raise BuildError(f"mypyc failed: {first}{more}")
            missing = [f for f in _files(out) if not os.path.isfile(f)]
            if missing:
                raise BuildError(f"mypyc produced no {os.path.relpath(missing[0], out)}")
            t_compile = time.monotonic() - t0
            stamp = {"format": STAMP_FORMAT, "group": GROUP, "modules": list(COMPILED),
                     "interpreter": interpreter_tag(), "mypy": mypy_version, "tools": tools_versions,
                     "sources": sources,
                     "built_at": time.strftime("%Y-%m-%d %H:%M:%S"), "compile_seconds": round(t_compile, 1)}
            with open(os.path.join(out, "stamp.json"), "w", encoding="utf-8") as fh:
                json.dump(stamp, fh, indent=1)
            shutil.copytree(out, incoming)  # the file system of `current`: the switch below is a rename
            n_checked = 0
            if verify:
                seeds = os.path.join(os.path.dirname(os.path.dirname(PIPELINES_DIR)), "shared", "seeds")
                n_checked = _verify(tmp, snapshot, incoming, seeds, log)
            build_dir = os.path.join(BUILD_ROOT, "build-" + time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}")
            os.rename(incoming, build_dir)
            link = os.path.join(BUILD_ROOT, f".current-{os.getpid()}")
            os.symlink(os.path.basename(build_dir), link)
            os.replace(link, CURRENT)  # atomic: a reader sees the old build or the new one, whole
            # older builds go: a process running one has its library loaded already, and compiled
            # modules import each other from that library, not from files
            for name in os.listdir(BUILD_ROOT):
                p = os.path.join(BUILD_ROOT, name)
                if (name.startswith("build-") and p != build_dir
                        and os.path.realpath(CURRENT) != os.path.realpath(p)):
                    shutil.rmtree(p, ignore_errors=True)
        except BaseException as exc:
            log(f"--- failed: {type(exc).__name__}: {exc}")
            raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(incoming, ignore_errors=True)
        checked = f", same output as pure Python on {n_checked} documents" if verify else " (not checked)"
        summary = (f"parser compiled with mypyc {mypy_version}: {len(COMPILED)} modules and the Cython HTML walk in {t_compile:.0f}s"
                   f"{checked}; {time.monotonic() - t0:.0f}s in all")
        log(summary)
        return summary


def status() -> str:
    lines = [f"parser: {STATE}"]
    try:
        with open(os.path.join(CURRENT, "stamp.json"), encoding="utf-8") as fh:
            stamp = json.load(fh)
        why = check_stamp(stamp)
        lines.append(f"build: {os.path.relpath(os.path.realpath(CURRENT))} (mypy {stamp.get('mypy')}, "
                     f"{stamp.get('built_at')}): {why or 'current'}")
    except OSError:
        lines.append("build: none")
    except ValueError as exc:
        lines.append(f"build: unreadable stamp ({exc})")
    failed = _read_json(os.path.join(BUILD_ROOT, "failed.json"))
    if failed is not None:
        same = (failed.get("key") or {}).get("sources") == source_hashes()
        lines.append(f"last build failed ({failed.get('at')}, {'these' if same else 'other'} sources): "
                     f"{failed.get('reason')}")
    if STATE == "compiled":
        for m in COMPILED:
            mod = sys.modules.get(f"{PACKAGE}.{m}")
            if mod is not None:
                lines.append(f"  {m}: {mod.__file__}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m pipelines.parse.compiled",
                                 description=(__doc__ or "").split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="compile the parser with mypyc (skipped when the build is current)")
    b.add_argument("--tools", help="directory holding mypy and setuptools (pip install --target)")
    b.add_argument("--force", action="store_true", help="rebuild even when the build is current")
    b.add_argument("--no-verify", action="store_true", help="skip the compiled-vs-pure check of the new build")
    b.add_argument("--best-effort", action="store_true",
                   help="on failure print one line and exit 0 (the parser then runs as pure Python)")
    sub.add_parser("status", help="which parser an import gets, and why")
    sub.add_parser("remove", help="delete the compiled builds")
    a = ap.parse_args(argv)
    if a.cmd == "status":
        print(status())
        return 0
    if a.cmd == "remove":
        import shutil

        shutil.rmtree(BUILD_ROOT, ignore_errors=True)
        print(f"removed {os.path.relpath(BUILD_ROOT)}: the parser runs as pure Python")
        return 0
    tools = a.tools or os.environ.get("GOVREPORTS_BUILD_TOOLS")
    try:
        print(build(tools=os.path.abspath(tools) if tools else None, force=a.force, verify=not a.no_verify))
        return 0
    except Exception as exc:
        reason = str(exc) if isinstance(exc, BuildError) else f"{type(exc).__name__}: {exc}"
        logged = getattr(exc, "logged", True)
        log = f" (log: {os.path.relpath(os.path.join(BUILD_ROOT, 'build.log'))})" if logged else ""
        print(f"parser not compiled: {reason} — running pure Python{log}")
        return 0 if a.best_effort else 1

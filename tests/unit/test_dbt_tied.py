"""dbt is started through pipelines/assets/dbt_tied.sh: killed with the process that started it, so
that a run killed with kill -9 leaves no dbt build holding the warehouse (the wrapper execs
$GOVREPORTS_DBT; `sleep` stands in for dbt here)."""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

WRAPPER = Path(__file__).resolve().parents[2] / "pipelines" / "assets" / "dbt_tied.sh"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) is not installed")
def test_the_dbt_child_dies_with_a_parent_killed_minus_9():
    parent_code = ("import subprocess, sys, time; "
                   f"p = subprocess.Popen([{str(WRAPPER)!r}, '60']); print(p.pid, flush=True); time.sleep(60)")
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "GOVREPORTS_DBT": shutil.which("sleep")})
    child = int(parent.stdout.readline())
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "sleep" not in Path(f"/proc/{child}/cmdline").read_text():
            time.sleep(0.05)       # the wrapper has exec'd the stand-in
        assert _alive(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(child):
            time.sleep(0.05)
        assert not _alive(child), "the child outlived its killed parent"
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)


def test_the_wrapper_passes_arguments_and_exit_code_through(tmp_path):
    out = subprocess.run([str(WRAPPER), "-c", "import sys; print(sys.argv[1:]); sys.exit(3)", "a b", "c"],
                         capture_output=True, text=True, env={**os.environ, "GOVREPORTS_DBT": sys.executable})
    assert out.returncode == 3 and out.stdout.strip() == "['a b', 'c']"

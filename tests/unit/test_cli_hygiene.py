"""Project hygiene an operator relies on: the version, the ports of `make dev` / `make dashboard`."""
import subprocess
import tomllib
from pathlib import Path

import pytest

from pipelines.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_version_is_the_projects(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert capsys.readouterr().out.strip() == f"govreports {version}"


@pytest.mark.parametrize("target, default, flag", [("dev", "3000", "-p {}"), ("dashboard", "8501", "--server.port {}")])
def test_make_targets_take_a_port_on_loopback(target, default, flag):
    def command(*args: str) -> str:
        out = subprocess.run(["make", "-n", "-C", str(ROOT), target, *args], capture_output=True, text=True,
                             timeout=60, env={"PATH": "/usr/bin:/bin"})
        assert out.returncode == 0, out.stderr
        return next(line for line in out.stdout.splitlines() if ("dg dev" in line or "streamlit run" in line))
    assert flag.format(default) in command() and "127.0.0.1" in command()
    assert flag.format("8123") in command("PORT=8123")

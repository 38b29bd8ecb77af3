"""The built wheel: what it ships, and ``workforce demo`` run from it, away from the source tree.

The wheel is built from a copy of only the files the build needs (so nothing
left in ``build/`` or elsewhere in the checkout can slip in), installed with
``pip install --no-deps --target`` into a temporary folder, and run from a
folder outside the repository with that folder first on ``PYTHONPATH``.  Its
dependencies come from the environment running the tests.  An editable
install of the project puts its finder at the end of ``sys.meta_path``, after
the ordinary path search, so the installed copy wins; the test checks that
every ``workforce`` module loaded came from it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
#: What the build needs (pyproject.toml's [tool.setuptools] packages and package-dir).
BUILD_INPUTS = ("pyproject.toml", "README.md", "workforce", "schemas", "sample_data")

DEMO = """
import json, sys
import workforce
from workforce.cli import main
code = main(["demo", "--out", sys.argv[1]])
loaded = sorted({m.__file__ for name, m in list(sys.modules.items())
                 if name.split(".")[0] in ("workforce", "tools") and getattr(m, "__file__", None)})
print("LOADED " + json.dumps({"workforce": workforce.__file__, "modules": loaded}))
sys.exit(code)
"""


def _run(command, **options) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", **options)
    assert done.returncode == 0, f"{command} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    # build isolation as pip does by default: the build needs a newer setuptools than a new venv may hold
    _run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--quiet", "--wheel-dir", str(out)],
         cwd=out)
    (built,) = out.glob("workforce-*.whl")
    return built


def test_the_wheel_ships_the_sample_files_not_the_generator(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if not n.startswith(("workforce/", "workforce-"))]  # no tools/, tests/ ...
    assert not [n for n in names if "synthetic" in n or "generate" in n]
    assert not [n for n in names if n.startswith("workforce/sample_data/") and n.endswith(".py")]
    shipped = {n.removeprefix("workforce/sample_data/") for n in names if n.startswith("workforce/sample_data/")}
    sample = ROOT / "sample_data"  # with the monthly snapshots' folder
    assert shipped == {p.relative_to(sample).as_posix() for p in sample.rglob("*") if p.is_file()}
    assert {p.name for p in (ROOT / "schemas").glob("*.yaml")} <= {n.rsplit("/", 1)[-1] for n in names
                                                                   if n.startswith("workforce/schemas/")}
    for folder in ("workforce/data", "workforce/data/population", "workforce/data/national"):
        expected = {p.name for p in (ROOT / folder).iterdir() if p.is_file()}
        assert expected <= {n.rsplit("/", 1)[-1] for n in names if n.rsplit("/", 1)[0] == folder}, folder


def test_workforce_demo_runs_from_the_installed_wheel(wheel, tmp_path):
    target = tmp_path / "site"
    _run([sys.executable, "-m", "pip", "install", str(wheel), "--no-deps", "--no-compile", "--quiet",
          "--target", str(target)], cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"   # the working folder: nowhere near the repository
    elsewhere.mkdir()
    pack = tmp_path / "pack"
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONSAFEPATH": "1"}
    done = _run([sys.executable, "-c", DEMO, str(pack)], cwd=elsewhere, env=env)

    line = next(x for x in done.stdout.splitlines() if x.startswith("LOADED "))
    loaded = json.loads(line[len("LOADED "):])
    assert Path(loaded["workforce"]).is_relative_to(target / "workforce")
    outside = [f for f in loaded["modules"] if not Path(f).is_relative_to(target)]
    assert not outside, f"modules loaded from outside the installed wheel: {outside}"
    for name in ("index.html", "tables.xlsx", "manifest.json"):
        assert (pack / name).is_file(), name
    assert not (target / "tools").exists()

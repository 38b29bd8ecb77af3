"""The package's shape: layers reached only through their public names, and the import contract.

The layers and their order are declared once, in ``pyproject.toml``
(``[tool.importlinter]``); ``lint-imports`` checks them in CI.  These tests
add what import-linter does not check: a module of one layer reaches another
layer only through that layer's package (its ``__all__``), never through a
private module or a private name.
"""

from __future__ import annotations

import ast
import importlib
import shutil
import subprocess
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workforce"
LAYERS = ("codes", "load", "populations", "analysis", "disclosure", "charts", "publish")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield path, parts[:-1] if parts[-1] == "__init__" else parts


def _imports(path: Path, parts: tuple[str, ...]):
    """(module imported, names) for every import of the package in one file."""
    package = parts if path.name == "__init__.py" else parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = (*base, *(node.module.split(".") if node.module else ()))
            else:
                target = tuple((node.module or "").split("."))
            if target[:1] == ("workforce",):
                yield target, [a.name for a in node.names], node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "workforce":
                    yield tuple(alias.name.split(".")), [], node.lineno


def _layer(parts: tuple[str, ...]) -> str | None:
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_layers_are_reached_only_through_their_public_names():
    wrong = []
    for path, parts in _modules():
        here = _layer(parts)
        for target, names, line in _imports(path, parts):
            there = _layer(target)
            if there is None or there == here or here is None and len(parts) == 1:
                continue  # the core, the same layer, or the top-level package itself
            where = f"{path.relative_to(PACKAGE.parent)}:{line}"
            if len(target) > 2:
                wrong.append(f"{where} imports the module {'.'.join(target)}; import from workforce.{there}")
                continue
            exported = set(importlib.import_module(".".join(target)).__all__)
            for name in names:
                if name not in exported:
                    wrong.append(f"{where} imports {name!r}, which workforce.{there} does not export")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_exports_what_its_all_lists(layer):
    module = importlib.import_module(f"workforce.{layer}")
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing


def test_nothing_outside_the_package_is_imported_as_a_sibling_of_its_layers():
    """Every folder of the package with Python modules is a declared layer (or the chart package)."""
    folders = {p.parent.name for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE}
    assert folders <= set(LAYERS)


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter is not installed")
def test_the_import_contract_holds():
    done = subprocess.run(["lint-imports"], cwd=PACKAGE.parent, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]

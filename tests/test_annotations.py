"""Every public function and method has type annotations and a docstring.

mypy checks the annotations in CI (``mypy`` from the repo root); ruff checks
the docstrings' form (pydocstyle, numpy convention) but skips functions in
private modules, where the public functions live, so their presence is
checked here.

The public API is the top level's ``__all__``, each layer's ``__all__`` and
``workforce.charts``; for classes, their public methods and properties (and
``__init__``).  Annotations are read from the source (``from __future__ import
annotations`` keeps them as text), so names imported only for type checkers
are fine.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = ("workforce", "workforce.codes", "workforce.load", "workforce.populations", "workforce.analysis",
           "workforce.disclosure", "workforce.charts", "workforce.publish", "workforce.errors")


def _public_functions():
    seen = set()
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                candidates = [(f"{module_name}.{name}", obj)]
            elif inspect.isclass(obj) and obj.__module__.startswith("workforce"):
                candidates = []
                for attribute, value in vars(obj).items():
                    if attribute.startswith("_") and attribute != "__init__":
                        continue
                    function = value.fget if isinstance(value, property) else getattr(value, "__func__", value)
                    if inspect.isfunction(function) and function.__module__.startswith("workforce"):
                        candidates.append((f"{module_name}.{name}.{attribute}", function))
            else:
                continue
            for label, function in candidates:
                if function.__code__ not in seen:   # re-exported names: once
                    seen.add(function.__code__)
                    yield label, function


def _missing(function) -> list[str]:
    annotations = function.__annotations__
    parameters = inspect.signature(function, eval_str=False).parameters.values()
    missing = [p.name for p in parameters if p.name not in ("self", "cls") and p.name not in annotations]
    return missing + ([] if "return" in annotations else ["return"])


def test_public_functions_are_found():
    names = {label for label, _ in _public_functions()}
    assert {"workforce.load_staff", "workforce.representation", "workforce.charts.ladder_chart",
            "workforce.publish.build_pack", "workforce.StaffTable.for_service", "workforce.codes.normalise_band"} <= names


@pytest.mark.parametrize("label, function", list(_public_functions()), ids=lambda x: x if isinstance(x, str) else "")
def test_public_function_is_annotated(label, function):
    assert not _missing(function), f"{label} has no annotation for {_missing(function)}"


@pytest.mark.parametrize("label, function", [(label, function) for label, function in _public_functions()
                                             if not label.endswith(".__init__")],   # documented by the class
                         ids=lambda x: x if isinstance(x, str) else "")
def test_public_function_has_a_docstring(label, function):
    assert (function.__doc__ or "").strip(), f"{label} has no docstring"

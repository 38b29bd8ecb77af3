"""The README's Python examples run as written, on the shipped sample data, and show what really prints.

Every ```python block of README.md is taken in order; the blocks of one section (a ``## `` heading) share one
namespace, so each section's examples stand on their own.  A block of plain code is run; a block in the
doctest form (``>>>`` lines, each followed by what it prints) is run by doctest, which checks the output
(``...`` stands for any text, as in the docstrings).  They run in a temporary working folder, so a pack the
examples write lands there.
"""

from __future__ import annotations

import ast
import doctest
import re
from pathlib import Path

import pytest

import workforce

README = Path(__file__).resolve().parent.parent / "README.md"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def sections(text: str | None = None) -> list[tuple[str, list[tuple[int, str]]]]:
    """(heading, [(line of the block's first code line, code), ...]) of every section with a python block."""
    text = README.read_text(encoding="utf-8") if text is None else text
    out: list[tuple[str, list[tuple[int, str]]]] = [("(top)", [])]
    block: list[str] | None = None
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if block is None and line.startswith("## "):
            out.append((line[3:].strip(), []))
        elif block is None and line.strip() == "```python":
            block, start = [], number + 1
        elif block is not None and line.strip() == "```":
            out[-1][1].append((start, "\n".join(block) + "\n"))
            block = None
        elif block is not None:
            block.append(line)
    return [(heading, blocks) for heading, blocks in out if blocks]


def is_doctest(code: str) -> bool:
    return code.lstrip().startswith(">>>")


def sources(code: str) -> list[str]:
    """The Python of a block: the block itself, or each example of a doctest block."""
    if not is_doctest(code):
        return [code]
    return [example.source for example in doctest.DocTestParser().get_examples(code)]


def test_sections_and_blocks_are_found():
    text = "## A\n```python\nx = 1\n```\ntext\n```bash\nls\n```\n## B\n```python\n>>> x\n1\n```\n"
    assert sections(text) == [("A", [(3, "x = 1\n")]), ("B", [(11, ">>> x\n1\n")])]


def test_every_python_block_parses_and_names_only_shipped_files():
    """Quick: every block is Python (or doctest), no ``...`` stands for an argument, and every file a block names
    is a shipped sample file (placeholder names such as "trust_a_2024.xlsx" would not run)."""
    shipped = {p.name for p in workforce.sample_data().iterdir()}
    found = sections()
    assert [h for h, _ in found] == ["In Python", "Representation against the local population",
                                     "WRES, WDES and progression into senior roles",
                                     "Over time and across organisations", "Charts and disclosure control"]
    for heading, blocks in found:
        for line, code in blocks:
            for source in sources(code):
                tree = ast.parse(source, filename=f"README.md, line {line}")
                in_fstring = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
                for node in ast.walk(tree):
                    if id(node) in in_fstring:
                        continue   # a piece of an f-string, such as "-03-31.xlsx"
                    where = f"README.md line {line} ({heading})"
                    assert not (isinstance(node, ast.Constant) and node.value is Ellipsis), f"{where}: `...` as a value"
                    if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(
                            r"\.(xlsx|xls|csv|parquet|yaml)$", node.value):
                        assert Path(node.value).name in shipped, f"{where}: {node.value!r} is not a sample file"


def test_output_shown_in_a_comment_is_a_doctest():
    """Output is shown as doctest output (checked), never as a comment such as ``# 1.88 (95% CI ...)``."""
    shown = re.compile(r"#\s*(<\w+|\d+\.\d+ \(|\"[A-Z][^\"]*\d+%)")   # a repr, a figure with interval, a quoted title
    for heading, blocks in sections():
        for line, code in blocks:
            if not is_doctest(code):
                for offset, text in enumerate(code.splitlines()):
                    assert not shown.search(text), f"README.md line {line + offset} ({heading}): output in a comment"


def run_section(heading: str, blocks: list[tuple[int, str]]) -> list[str]:
    """Run a section's blocks in one namespace; the failures, as text."""
    namespace: dict = {"__name__": "__readme__"}
    failures: list[str] = []
    for line, code in blocks:
        if not is_doctest(code):
            exec(compile(code, f"README.md, line {line} ({heading})", "exec"), namespace)
            continue
        test = doctest.DocTestParser().get_doctest(code, namespace, heading, str(README), line - 1)
        runner = doctest.DocTestRunner(optionflags=FLAGS)
        runner.run(test, out=failures.append, clear_globs=False)
    return failures


@pytest.mark.slow
@pytest.mark.parametrize("heading", [h for h, _ in sections()])
def test_the_readme_examples_run_and_print_what_they_show(heading, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = dict(sections())[heading]
    failures = run_section(heading, blocks)
    assert not failures, "\n".join(failures)

"""Production code never imports the test harness: app/ (but app/testing) imports neither app.testing nor tests,
and app/testing and bench/ do not import tests."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "app" / "testing"


def imported_modules(source: str) -> Iterator[tuple[int, str]]:
    """(line, module) for every import of a module's source, `from app import testing` as app.testing, and
    every importlib.import_module / __import__ call with a literal name."""
    for item in ast.walk(ast.parse(source)):
        if isinstance(item, ast.Import):
            yield from ((item.lineno, alias.name) for alias in item.names)
        elif isinstance(item, ast.ImportFrom) and item.level == 0 and item.module:
            yield item.lineno, item.module
            yield from ((item.lineno, f"{item.module}.{alias.name}") for alias in item.names)
        elif isinstance(item, ast.Call) and item.args and isinstance(item.args[0], ast.Constant) \
                and isinstance(item.args[0].value, str):
            called = item.func.attr if isinstance(item.func, ast.Attribute) else getattr(item.func, "id", "")
            if called in ("import_module", "__import__"):
                yield item.lineno, item.args[0].value


def names(module: str, *packages: str) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


def offenders(folder: Path, forbidden: tuple[str, ...], skip: Path | None = None) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        if skip is not None and path.is_relative_to(skip):
            continue
        for line, module in imported_modules(path.read_text(encoding="utf-8")):
            if names(module, *forbidden):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def test_the_checker_sees_every_form_of_import() -> None:
    source = ("import tests.support\nfrom app import testing\nfrom app.testing.fakes import web_content\n"
              "import importlib\nimportlib.import_module('app.testing.postgres')\nfrom app.testingx import y\n")
    found = [module for _, module in imported_modules(source) if names(module, "tests", "app.testing")]
    assert found == ["tests.support", "app.testing", "app.testing.fakes", "app.testing.fakes.web_content",
                     "app.testing.postgres"]


def test_production_code_does_not_import_the_harness_or_the_tests() -> None:
    assert offenders(ROOT / "app", ("app.testing", "tests"), skip=HARNESS) == []


@pytest.mark.parametrize("folder", [HARNESS, ROOT / "bench"], ids=["app/testing", "bench"])
def test_harness_and_benchmarks_do_not_import_the_tests(folder: Path) -> None:
    assert offenders(folder, ("tests",)) == []

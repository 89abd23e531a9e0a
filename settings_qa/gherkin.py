"""Feature files as QA wrote them, line by line: scenarios with the lines they span, their
example rows, steps with their type, tags. Read with the official Gherkin parser (the one
pytest-bdd uses), so every line and column is the file's own.

Used to run a scenario by its line (feature_paths.py), to name the line a failure comes
from (scenario_failures.py) and to check what QA wrote (check.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pytest_bdd import gherkin_parser as g
from pytest_bdd.parser import PARAM_RE, render_string
from pytest_bdd.types import STEP_TYPE_BY_PARSER_KEYWORD


@dataclass(frozen=True)
class ExampleRow:
    line: int
    index: int  # among all of its scenario's example rows: pytest-bdd's parametrize index
    values: dict[str, str]
    cells: dict[str, g.Cell]  # column name -> the cell, with its location


@dataclass(frozen=True)
class ScenarioSpan:
    """One scenario (or outline) and the lines that belong to it."""

    name: str
    keyword: str
    line: int  # the `Scenario:` line
    first: int  # its first line (its tags, if any)
    last: int  # the line before the next scenario (or the file's last)
    source: g.Scenario
    rows: tuple[ExampleRow, ...]

    def rows_or_none(self) -> tuple[ExampleRow | None, ...]:
        return self.rows or (None,)


@dataclass(frozen=True)
class Step:
    """A step as it runs: placeholders filled from one example row, its type resolved."""

    type: str  # given, when, then
    keyword: str
    text: str
    source: g.Step


@dataclass(frozen=True)
class FeatureFile:
    path: Path
    document: g.GherkinDocument
    scenarios: tuple[ScenarioSpan, ...]

    @property
    def background(self) -> list[g.Step]:
        return next((c.background.steps for c in self.document.feature.children if c.background), [])

    def scenario_at(self, line: int) -> tuple[ScenarioSpan, ExampleRow | None] | None:
        """The scenario spanning `line`, and the example row on it (None: the whole scenario)."""
        for scenario in self.scenarios:
            if scenario.first <= line <= scenario.last:
                return scenario, next((row for row in scenario.rows if row.line == line), None)
        return None

    def steps(self, scenario: ScenarioSpan, row: ExampleRow | None) -> list[Step]:
        """The background's steps, then the scenario's, as pytest-bdd runs them for `row`."""
        context = row.values if row else {}
        found = []
        for group in (self.background, scenario.source.steps):
            kind = "given"
            for step in group:
                kind = STEP_TYPE_BY_PARSER_KEYWORD.get(step.keyword_type, kind)
                found.append(Step(kind, step.keyword, render_string(step.text, context), step))
        return found


def placeholders(text: str) -> list[str]:
    return PARAM_RE.findall(text)


@lru_cache(maxsize=64)
def _read(path: Path, stamp: float) -> FeatureFile:
    document = g.get_gherkin_document(str(path))
    sources = _scenarios(document.feature.children)
    total = len(path.read_text(encoding="utf-8").splitlines())
    firsts = [min([s.location.line, *(t.location.line for t in s.tags)]) for s in sources]
    spans = []
    for number, source in enumerate(sources):
        last = firsts[number + 1] - 1 if number + 1 < len(sources) else total
        spans.append(ScenarioSpan(source.name, source.keyword, source.location.line, firsts[number], last,
                                  source, tuple(_rows(source))))
    return FeatureFile(path, document, tuple(spans))


def read(path: Path | str) -> FeatureFile:
    """The parsed file (cached while unchanged); raises pytest-bdd's GherkinParseError."""
    resolved = Path(path).resolve()
    return _read(resolved, resolved.stat().st_mtime)


def _scenarios(children: list[g.Child]) -> list[g.Scenario]:
    found = []
    for child in children:
        if child.scenario:
            found.append(child.scenario)
        elif child.rule:
            found += _scenarios(child.rule.children)
    return found


def _rows(source: g.Scenario) -> list[ExampleRow]:
    rows = []
    for examples in source.examples:
        names = [cell.value for cell in examples.table_header.cells] if examples.table_header else []
        for row in examples.table_body or []:
            rows.append(ExampleRow(row.location.line, len(rows), dict(zip(names, (c.value for c in row.cells))),
                                   dict(zip(names, row.cells))))
    return rows

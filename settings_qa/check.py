"""`settings-qa check`: everything QA writes in a feature file, checked before anything runs.

- every step has a definition (of its own type: a When step is not a Given step);
- every data table fits its step: `| field | value |` rows name fields of the contract and
  hold value expressions; `| question | answer |` tables hold value expressions; a step that
  takes no table has none;
- every `<placeholder>` of an outline is a column of its Examples, and every Examples cell that
  lands in a table is checked where it is written;
- every tag is a registered marker (pytest.ini);
- no scenario name is used twice in a file (pytest-bdd would silently run only one).

Each problem names file:line:column and, where something close exists, a did-you-mean.
"""

from __future__ import annotations

import configparser
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

from pytest_bdd.parser import render_string

from settings_qa import gherkin
from contracts.models import LIMITS
from settings_qa.tables import FAQ_TABLE, FIELD_TABLE, every_field_value, field_cell
from settings_qa.values import CellError, did_you_mean, parse

BUILTIN_MARKERS = ("skip", "skipif", "xfail", "usefixtures", "filterwarnings", "parametrize")
_EXAMPLE = re.compile(r"^Example:\s*(Given|When|Then|And|But)\s+(.*)$")
_CHOICES = re.compile(r"\(\?P<\w+>([^()]*)\)")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


def feature_files(paths: list[Path]) -> list[Path]:
    return sorted({f for p in paths for f in ([p] if p.is_file() else p.rglob("*.feature"))})


def registered_markers(ini: Path) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ini, encoding="utf-8")
    lines = parser.get("pytest", "markers", fallback="").splitlines()
    return [line.split(":")[0].strip() for line in lines if line.strip()] + list(BUILTIN_MARKERS)


def check(paths: list[Path], contexts: list, markers: list[str], shown_from: Path) -> list[Problem]:
    """Every problem in the feature files under `paths`, paths shown relative to `shown_from`."""
    phrases = step_phrases(contexts)
    problems: set[Problem] = set()
    for path in feature_files(paths):
        shown = _relative(path, shown_from)
        feature = gherkin.read(path)

        def report(location, message: str, _shown: str = shown) -> None:
            problems.add(Problem(_shown, location.line, location.column, message))

        _check_tags(feature, markers, report)
        _check_names(feature, report)
        for scenario in feature.scenarios:
            _check_placeholders(scenario, report)
            for row in scenario.rows_or_none():
                for step in feature.steps(scenario, row):
                    _check_step(step, row, contexts, phrases, report)
    return sorted(problems)


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def _check_tags(feature: gherkin.FeatureFile, markers: list[str], report) -> None:
    tags = list(feature.document.feature.tags)
    for scenario in feature.scenarios:
        tags += scenario.source.tags + [t for ex in scenario.source.examples for t in ex.tags]
    for tag in tags:
        name = tag.name.lstrip("@")
        if name not in markers:
            hint = did_you_mean(name, markers)
            report(tag.location, f"unknown tag '@{name}'" + (f"; did you mean '@{hint}'?" if hint else "")
                   + " (every tag is a marker registered in pytest.ini)")


def _check_names(feature: gherkin.FeatureFile, report) -> None:
    seen: dict[str, int] = {}
    for scenario in feature.scenarios:
        if scenario.name in seen:
            report(scenario.source.location, f"scenario '{scenario.name}' is also at line {seen[scenario.name]}; "
                                             "pytest-bdd would run only one of them: rename one")
        seen.setdefault(scenario.name, scenario.line)


def _check_placeholders(scenario: gherkin.ScenarioSpan, report) -> None:
    if not scenario.rows:
        return
    columns = list(scenario.rows[0].values)
    for step in scenario.source.steps:
        texts = [(step.location, step.text)]
        if step.datatable:
            texts += [(cell.location, cell.value) for row in step.datatable.rows for cell in row.cells]
        for location, text in texts:
            for name in gherkin.placeholders(text):
                if name not in columns:
                    hint = did_you_mean(name, columns)
                    report(location, f"<{name}> is not a column of the Examples ({', '.join(columns)})"
                           + (f"; did you mean <{hint}>?" if hint else ""))


def _check_step(step: gherkin.Step, row, contexts: list, phrases: list, report) -> None:
    where = f" (example at line {row.line})" if row and gherkin.placeholders(step.source.text) else ""
    matching = [c for c in contexts if c.parser.is_matching(step.text)]
    own_type = [c for c in matching if c.type in (None, step.type)]
    if not own_type:
        if matching:
            report(step.source.location, f"'{step.keyword} {step.text}' is a {matching[0].type.capitalize()} "
                                         f"step, not a {step.type.capitalize()} step{where}")
            return
        hint = closest_step(step.text, phrases)
        report(step.source.location, f"no step definition for '{step.keyword} {step.text}'{where}"
               + (f"; did you mean '{hint}'?" if hint else " (see `settings-qa steps`)"))
        return
    function = own_type[0].step_func
    takes = "datatable" in inspect.signature(function).parameters
    table = step.source.datatable
    if table and not takes:
        report(table.location, f"'{step.keyword} {step.text}' takes no table")
    elif takes and not table:
        report(step.source.location, f"'{step.keyword} {step.text}' needs a table")
    elif table:
        _check_table(table, getattr(function, "table_kind", None), row, report)


def _source(cell, row) -> object:
    """Where a table cell's value is written: its Examples cell when it is one `<placeholder>`."""
    names = gherkin.placeholders(cell.value)
    if row and len(names) == 1 and cell.value.strip() == f"<{names[0]}>" and names[0] in row.cells:
        return row.cells[names[0]].location
    return cell.location


def _check_table(table, kind, row, report) -> None:
    context = row.values if row else {}
    rows = [[(render_string(c.value, context), _source(c, row)) for c in r.cells] for r in table.rows]
    header = [text.strip() for text, _ in rows[0]]
    fake = Faker()
    fake.seed_instance(0)
    if kind == FIELD_TABLE:
        if tuple(header) != FIELD_TABLE:
            report(rows[0][0][1], f"this table's header must be '| field | value |', not '| {' | '.join(header)} |'")
            return
        faqs = 0  # how many FAQs the rows so far give, for `faqs[N]`
        for (name, name_at), (value, value_at) in rows[1:]:
            if gherkin.placeholders(name) or gherkin.placeholders(value):
                continue  # a placeholder that is no column: reported once, by _check_placeholders
            try:
                target = field_cell(name)
                if target.item is not None and target.item > faqs:
                    raise CellError(f"faqs[{target.item}] needs at least {target.item} FAQs in a row above "
                                    f"(there are {faqs})")
            except CellError as error:
                report(name_at, str(error))
                continue
            try:
                every_field_value(value) if target.every else parse(value, field=target.value_field, fake=fake)
            except CellError as error:
                report(value_at, str(error))
            else:
                faqs = _faq_count(target, value, fake, faqs)
    elif kind == FAQ_TABLE:
        for (text, at) in rows[0]:
            if text.strip() not in FAQ_TABLE:
                hint = did_you_mean(text.strip(), FAQ_TABLE)
                report(at, f"a FAQ table's columns are question and answer, not {text.strip()!r}"
                       + (f"; did you mean '{hint}'?" if hint else ""))
        for cells in rows[1:]:
            for (text, at), part in zip(cells, header):
                if part in FAQ_TABLE and not gherkin.placeholders(text):
                    _check_value(text, part, fake, at, report)


def _faq_count(target, value: str, fake: Faker, before: int) -> int:
    if target.every:
        return LIMITS["faqs"]
    if target.name == "faqs" and target.item is None:
        parsed = parse(value, field="faqs", fake=fake)
        return len(parsed) if isinstance(parsed, list) else 0
    return before


def _check_value(text: str, field: str, fake: Faker, location, report) -> None:
    try:
        parse(text, field=field, fake=fake)
    except CellError as error:
        report(location, str(error))


def closest_step(text: str, phrases: list[tuple[str, str]]) -> str | None:
    """The closest sentence a step definition says ("When I save my settings with:"), if any is close."""
    hint = did_you_mean(text, [phrase for phrase, _ in phrases])
    return next((f"{kind} {phrase}".strip() for phrase, kind in phrases if phrase == hint), None)


def step_phrases(contexts: list) -> list[tuple[str, str]]:
    """Sentences a step could say, for did-you-mean: each definition's examples and choices."""
    found = []
    for context in contexts:
        kind = (context.type or "").capitalize()
        for line in (context.step_func.__doc__ or "").splitlines():
            if m := _EXAMPLE.match(line.strip()):
                found.append((m.group(2).strip(), kind))
        pattern = getattr(getattr(context.parser, "regex", None), "pattern", None)
        if pattern and (m := _CHOICES.search(pattern)):
            found += [(_CHOICES.sub(choice, pattern, count=1).strip("^$"), kind) for choice in m.group(1).split("|")]
    return found

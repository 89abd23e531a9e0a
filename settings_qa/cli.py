"""`settings-qa`: tools for people who write feature files.

    settings-qa steps              print every step phrase with an example
    settings-qa check [PATH ...]   list feature-file steps that no definition matches
                                   (exit 1 if any; default: features/)
    settings-qa values             print the value expressions usable in table cells
    settings-qa restore            settle a restore journal a run left behind (settings_qa/restore_cli.py)

Run from the repository (or pass --root): the step definitions live in steps/.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import sys
from pathlib import Path

from settings_qa import restore_cli

EX_USAGE = 64


def _find_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "steps").is_dir() and (folder / "pytest.ini").is_file():
            return folder
    return None


def load_step_definitions(root: Path) -> list:
    """Import every steps/*_steps.py module and return pytest-bdd's step contexts."""
    sys.path.insert(0, str(root))
    from pytest_bdd.steps import step_function_context_registry

    import steps

    for module in pkgutil.iter_modules(steps.__path__):
        if module.name.endswith("_steps"):
            importlib.import_module(f"steps.{module.name}")
    return list(step_function_context_registry.values())


_GROUP = re.compile(r"\(\?P<(\w+)>([^()]*)\)")


def _phrase(context) -> str:
    """The step's phrase, with regex choices shown as `<name>` placeholders."""
    parser = context.parser
    text = getattr(parser, "format", None) or getattr(getattr(parser, "regex", None), "pattern", None) or parser.name
    return _GROUP.sub(lambda m: "<" + m.group(1) + ">", text)


def _choices(context) -> list[str]:
    pattern = getattr(getattr(context.parser, "regex", None), "pattern", "")
    return [f"<{name}> is one of: {' | '.join(options.split('|'))}" for name, options in _GROUP.findall(pattern)]


def print_catalogue(contexts: list) -> None:
    order = {"given": 0, "when": 1, "then": 2}
    for context in sorted(contexts, key=lambda c: (order.get(c.type, 3), _phrase(c))):
        print(f"{(context.type or 'step').capitalize():5} {_phrase(context)}")
        for line in _choices(context):
            print(f"        {line}")
        doc = (context.step_func.__doc__ or "").strip()
        for line in doc.removeprefix("Example: ").splitlines():
            print(f"        {line.strip() if line.startswith('    ') and not line.startswith('      ') else line}")
        print()


def unmatched_steps(contexts: list, paths: list[Path]) -> list[str]:
    from pytest_bdd.feature import get_features

    problems = []
    for feature in get_features([str(p) for p in paths]):
        for template in feature.scenarios.values():
            renders = [template.render(c) for ex in template.examples for c in ex.as_contexts()] or [
                template.render({})
            ]
            seen = set()
            for scenario in renders:
                for step in scenario.steps:
                    key = (step.type, step.name, step.line_number)
                    if key in seen or _matches(contexts, step):
                        continue
                    seen.add(key)
                    problems.append(f"{feature.rel_filename}:{step.line_number}: no step definition for "
                                    f"'{step.keyword.strip()} {step.name}' (see `settings-qa steps`)")
    return problems


_SCENARIO = re.compile(r"^\s*(?:Scenario|Scenario Outline|Scenario Template|Example):\s*(.+?)\s*$")


def duplicate_scenarios(paths: list[Path]) -> list[str]:
    """Scenarios named alike within one file: pytest-bdd keeps only the last of them, silently."""
    files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*.feature")))]
    problems = []
    for file in files:
        seen: dict[str, int] = {}
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            match = _SCENARIO.match(line)
            if not match:
                continue
            name = match.group(1)
            if name in seen:
                problems.append(f"{file}:{number}: scenario '{name}' is also at line {seen[name]}; "
                                "pytest-bdd would run only one of them: rename one")
            seen.setdefault(name, number)
    return problems


def _matches(contexts: list, step) -> bool:
    return any(c.type in (None, step.type) and c.parser.is_matching(step.name) for c in contexts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="settings-qa", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=None, help="the suite's folder (default: found upward)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("steps", help="print every step phrase with an example")
    check = sub.add_parser("check", help="report feature-file steps that have no definition")
    check.add_argument("paths", nargs="*", type=Path)
    sub.add_parser("values", help="print the value expressions for table cells")
    restore_cli.add_parser(sub)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EX_USAGE if exc.code else 0
    if args.command == "restore":  # needs no checkout of the suite, only the journal and credentials
        return restore_cli.run(args)
    root = (args.root or _find_root(Path.cwd()))
    if root is None or not (root / "steps").is_dir():
        print("settings-qa: cannot find the suite (a folder with steps/ and pytest.ini); use --root",
              file=sys.stderr)
        return EX_USAGE
    if args.command == "values":
        from settings_qa import values

        print(values.__doc__)
        return 0
    contexts = load_step_definitions(root.resolve())
    if args.command == "steps":
        print_catalogue(contexts)
        return 0
    paths = args.paths or [root / "features"]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"settings-qa: no such file or folder: {missing[0]}", file=sys.stderr)
        return EX_USAGE
    from pytest_bdd.exceptions import GherkinParseError

    try:
        problems = unmatched_steps(contexts, paths) + duplicate_scenarios(paths)
    except GherkinParseError as exc:
        print(f"settings-qa: not valid Gherkin: {' '.join(str(exc).split())}", file=sys.stderr)
        return EX_USAGE
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s)" if problems else "every step has a definition; scenario names are unique")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""`settings-qa`: tools for people who write feature files.

    settings-qa fields             print every field of the contract: type, writable, null, limits,
                                   and value expressions for a valid, a boundary and an invalid value
    settings-qa steps              print every step phrase with an example
    settings-qa values             print the value expressions usable in table cells
    settings-qa check [PATH ...]   check steps, tables, cells, Examples and tags; one line per problem
                                   with file:line:column (exit 1 if any; default: features/)
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
from settings_qa.console import stdout_gone

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


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        return stdout_gone()


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="settings-qa", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=None, help="the suite's folder (default: found upward)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fields", help="print every field of the contract, its limits and value expressions")
    sub.add_parser("steps", help="print every step phrase with an example")
    check = sub.add_parser("check", help="check steps, tables, cells, Examples and tags of feature files")
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
    if args.command == "fields":
        from settings_qa.fields import reference

        print(reference())
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

    from settings_qa.check import check, registered_markers

    try:
        problems = check(paths, contexts, registered_markers(root / "pytest.ini"), Path.cwd())
    except GherkinParseError as exc:
        print(f"settings-qa: not valid Gherkin: {' '.join(str(exc).split())}", file=sys.stderr)
        return EX_USAGE
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)" if problems else "no problems: steps, tables, cells, Examples and tags")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Failure messages of the smoke tests: where, what is missing, what exists instead."""

from __future__ import annotations

from settings_qa.smoke.client import Verdict


def describe(module: str, verdict: Verdict) -> str:
    """The module's failure: what cannot succeed statically, then its isolated import."""
    parts = []
    if verdict.static:
        parts.append(describe_static(module, verdict.static))
    if verdict.imported is not None and not verdict.imported["ok"]:
        parts.append(describe_import(module, verdict.imported["problem"]))
    elif verdict.imported is not None:
        parts.append(f"({module} imports on its own: only the static check sees this)")
    return "\n".join(parts)


def describe_static(module: str, problems: list[dict]) -> str:
    lines = [f"{module}: {_count(problems)} (checked without running the code)"]
    for problem in problems:
        lines.append(f"{problem['file']}:{problem['line']}: {problem['statement']}")
        if problem.get("nested"):
            lines.append("    (in a function body: fails when the function runs, not at import)")
        lines += _details(problem)
    return "\n".join(lines)


def _count(problems: list[dict]) -> str:
    imports = sum(p.get("kind") != "attribute" for p in problems)
    attributes = len(problems) - imports
    said = []
    if imports:
        said.append(f"{imports} import{'s' if imports > 1 else ''} cannot succeed")
    if attributes:
        said.append(f"{attributes} module attribute{'s do' if attributes > 1 else ' does'} not exist")
    return "; ".join(said)


def describe_import(module: str, problem: dict) -> str:
    lines = [f"{module} does not import on its own "
             f"(new process, no module of its package imported before)"]
    if problem.get("file"):
        lines.append(f"{problem['file']}:{problem['line']}: {problem['statement']}")
    lines += _details(problem)
    if problem.get("chain"):
        lines.append("    reached through:")
        lines += [f"      {file}:{line}: {code}" for file, line, code in problem["chain"]]
    if problem.get("output", "").strip():
        lines.append("    output of the import:")
        lines += [f"      {line}" for line in problem["output"].rstrip().splitlines()[-20:]]
    return "\n".join(lines)


def _details(problem: dict) -> list[str]:
    return [f"    {text}" for text in (problem["message"], problem.get("hint")) if text]

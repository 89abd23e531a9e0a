"""Reading what a run left behind: Allure results, and the texts inside a single-file report
(which embeds every data file and attachment base64-encoded)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Iterator

_EMBEDDED = re.compile(r'd\("([^"]+)","([A-Za-z0-9+/=]*)"\)')
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")


def results(folder: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in folder.rglob("*-result.json")]


def labels(result: dict, name: str) -> list[str]:
    return [label["value"] for label in result.get("labels", []) if label["name"] == name]


def texts(folder: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every file under `folder`, and of every file embedded in an HTML one."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", "replace")
        yield str(path), text
        if path.suffix == ".html":
            for name, payload in _EMBEDDED.findall(text):
                yield f"{path}!{name}", base64.b64decode(payload).decode("utf-8", "replace")


def embedded(report: Path, prefix: str) -> dict[str, str]:
    html = (report / "index.html").read_text()
    return {name: base64.b64decode(payload).decode("utf-8", "replace")
            for name, payload in _EMBEDDED.findall(html) if name.startswith(prefix)}

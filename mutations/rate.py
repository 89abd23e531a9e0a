"""How often a layer catches a fault that shows only by chance (a race): the same faulty copy,
the layer run again and again with a different seed each time.

    python -m mutations rate lost-update audit-reverts locked-500 --runs 20 --database postgres

The unmodified backend is rated too: it must pass every run. A run that gives no verdict
(a usage error, a crash, a timeout) is counted apart, never as a catch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from mutations.layers import REPO, RunSettings, run_layer
from mutations.model import Fault, faulty_copy

BASELINE = "unmodified backend"


@dataclass
class Rate:
    fault: str
    database: str
    runs: int = 0
    caught: int = 0
    no_verdict: int = 0
    first_evidence: str = ""

    def row(self) -> str:
        verdict = (f"{self.runs - self.caught - self.no_verdict}/{self.runs} passed" if self.fault == BASELINE
                   else f"{self.caught}/{self.runs} caught")
        extra = f", {self.no_verdict} without a verdict" if self.no_verdict else ""
        return f"| {self.fault} | {self.database} | {verdict}{extra} | {self.first_evidence} |"


def rate(fault: Fault | None, workdir: Path, settings: RunSettings, *, layer: str, runs: int,
         first_seed: int = 1) -> Rate:
    copy = faulty_copy(REPO / "backend", workdir / "backend", fault)
    result = Rate(fault.id if fault else BASELINE, settings.database)
    for seed in range(first_seed, first_seed + runs):
        run = run_layer(layer, copy, workdir / f"seed-{seed}", replace(settings, seed=seed))
        result.runs += 1
        if run.broken:
            result.no_verdict += 1
        elif run.failed:
            result.caught += 1
            result.first_evidence = result.first_evidence or f"seed {seed}: {run.evidence}"
    return result


def render(rates: list[Rate], *, layer: str) -> str:
    lines = [f"| fault | database | {layer} layer, one seed per run | first catch |", "|---|---|---|---|"]
    return "\n".join(lines + [r.row() for r in rates]) + "\n"

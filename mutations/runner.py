"""Run a fault's layers against a faulty copy of the backend (or every layer against an unmodified one).

Faults are run in the default mode: a kill there is a kill for every user. The unmodified
backend runs every layer in both modes (no false alarm, tolerant or strict).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from mutations.layers import REPO, LayerRun, RunSettings, run_layer
from mutations.model import LAYERS, MODES, Fault, faulty_copy

BASELINE_ID = "baseline (unmodified backend)"


@dataclass
class Outcome:
    fault: str
    description: str
    expected: tuple[str, ...]
    runs: list[LayerRun] = field(default_factory=list)
    seconds: float = 0.0
    baseline: bool = False
    e2e_exit: int | None = None

    def problems(self) -> list[str]:
        """Why this outcome is not what the catalogue promises; empty when it is."""
        found = []
        for run in self.runs:
            if run.broken:
                found.append(f"{run.layer}: no verdict, {run.broken}")
            elif self.baseline and run.failed:
                found.append(f"{run.layer}: false alarm on the unmodified backend: {run.evidence}")
            elif not self.baseline and not run.failed:
                found.append(f"{run.layer}: the fault SURVIVED (the layer passed)")
            elif (run.layer == "e2e" and self.e2e_exit is not None
                  and not run.evidence.startswith(f"exit {self.e2e_exit} ")):
                found.append(f"e2e: expected exit {self.e2e_exit}, got {run.evidence}")
        return found

    def to_dict(self) -> dict:
        return {"fault": self.fault, "description": self.description, "expected": list(self.expected),
                "runs": [run.to_dict() for run in self.runs], "seconds": round(self.seconds, 1),
                "baseline": self.baseline, "problems": self.problems()}


def run_fault(fault: Fault, workdir: Path, settings: RunSettings,
              backend: Path = REPO / "backend") -> Outcome:
    """Apply `fault` to a copy under `workdir` and run its layers, cheapest first, each to the end."""
    started = time.perf_counter()
    copy = faulty_copy(backend, workdir / "backend", fault)
    outcome = Outcome(fault.id, fault.description, fault.ordered_layers(), e2e_exit=fault.e2e_exit)
    for layer in outcome.expected:
        for database in fault.databases:
            outcome.runs.append(run_layer(layer, copy, workdir / "layers", replace(settings, database=database)))
    outcome.seconds = time.perf_counter() - started
    return outcome


def run_baseline(workdir: Path, settings: RunSettings, backend: Path = REPO / "backend") -> Outcome:
    """Every layer against an unmodified copy, in both modes (races, which features includes,
    on PostgreSQL as the race faults run there too): each must pass."""
    started = time.perf_counter()
    copy = faulty_copy(backend, workdir / "backend", None)
    outcome = Outcome(BASELINE_ID, "no fault: every layer must pass, default and strict", LAYERS, baseline=True)
    for mode in MODES:
        for layer in (layer for layer in LAYERS if layer != "races"):
            outcome.runs.append(run_layer(layer, copy, workdir / "layers",
                                          replace(settings, strict=mode == "strict")))
    outcome.runs.append(run_layer("races", copy, workdir / "layers", replace(settings, database="postgres")))
    outcome.seconds = time.perf_counter() - started
    return outcome

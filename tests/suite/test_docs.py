"""The READMEs agree with each other: every script a README under the repository tells people
to run is named in the main README too, where a newcomer starts."""

from __future__ import annotations

import re

from suite.helpers import ROOT

SCRIPT = re.compile(r"(?<![\w/.])(\.ci/run|ci/[\w-]+\.sh|bench/[\w-]+\.sh)")


def test_every_script_a_readme_names_is_in_the_main_readme():
    main = set(SCRIPT.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    readmes = [p for p in ROOT.rglob("README.md") if not {".venv", "node_modules"} & set(p.parts)]
    named = {(script, str(p.relative_to(ROOT))) for p in readmes
             for script in SCRIPT.findall(p.read_text(encoding="utf-8"))}
    missing = sorted(f"{script} (named in {where})" for script, where in named if script not in main)
    assert not missing, "scripts the main README never mentions:\n" + "\n".join(missing)
    assert all((ROOT / script).is_file() for script, _ in named)

"""ci/shard.py: every collected test in exactly one shard, shards balanced by recorded time,
and JUnit's names mapped back to the node ids pytest collects."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("shard", ROOT / "ci" / "shard.py")
shard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shard)


def test_every_test_lands_in_exactly_one_shard():
    ids = [f"features/test_scenarios.py::test_{n}[x-{n}]" for n in range(40)]
    plan = shard.plan(ids, {}, 3)
    assert sorted(sum(plan, [])) == sorted(ids)
    assert [len(s) for s in plan] == [14, 13, 13]


def test_long_tests_are_spread_and_loads_balanced():
    ids = ["a.py::slow1", "a.py::slow2", "a.py::quick1", "a.py::quick2", "a.py::quick3", "a.py::quick4"]
    durations = {"a::slow1": 10.0, "a::slow2": 9.0, "a::quick1": 1.0, "a::quick2": 1.0, "a::quick3": 1.0,
                 "a::quick4": 1.0}
    plan = shard.plan(ids, durations, 2)
    loads = [sum(durations[shard.junit_key(t)] for t in s) for s in plan]
    assert sorted(loads) == [11.0, 12.0]
    assert {"a.py::slow1", "a.py::slow2"} not in [set(s) & {"a.py::slow1", "a.py::slow2"} for s in plan]


def test_unrecorded_tests_cost_the_mean_and_order_follows_collection():
    ids = ["m.py::new", "m.py::old"]
    plan = shard.plan(ids, {"m::old": 4.0, "m::other": 2.0}, 1)
    assert plan == [["m.py::new", "m.py::old"]]


def test_junit_names_map_back_to_collected_node_ids(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "test_sample.py").write_text(
        "import pytest\n\nclass TestGroup:\n    def test_in_class(self):\n        pass\n\n"
        "@pytest.mark.parametrize('v', ['a b', 'c'])\ndef test_param(v):\n    pass\n")
    junit = tmp_path / "junit.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                    "-c", "/dev/null", "pkg", "--junitxml", str(junit)], cwd=tmp_path, check=True,
                   capture_output=True)
    recorded = shard.junit_durations([junit])
    collected = ["pkg/test_sample.py::TestGroup::test_in_class", "pkg/test_sample.py::test_param[a b]",
                 "pkg/test_sample.py::test_param[c]"]
    assert sorted(shard.junit_key(t) for t in collected) == sorted(recorded)


def _split(tmp_path, index, selection):
    """`ci/shard.py split` of the real suite into 2 shards, with no recorded durations."""
    done = subprocess.run([sys.executable, "ci/shard.py", "split", "--shards", "2", "--index", str(index),
                           "--durations", str(tmp_path / "none.json"), "--", selection],
                          cwd=ROOT, check=True, capture_output=True, text=True)
    return done.stdout.split()


def test_split_prints_the_shards_of_the_real_suite_without_overlap(tmp_path):
    first, second = _split(tmp_path, 0, "smoke"), _split(tmp_path, 1, "smoke")
    assert first and second and not set(first) & set(second)
    assert all(t.startswith("smoke/") for t in first + second)


def test_an_id_naming_several_items_lands_in_one_shard_once(tmp_path):
    """schemathesis gives every operation's item the same node id; selecting it runs them all."""
    both = _split(tmp_path, 0, "contracts/test_fuzz.py") + _split(tmp_path, 1, "contracts/test_fuzz.py")
    assert "contracts/test_fuzz.py::test_reads_and_login_conform" in both
    assert len(both) == len(set(both))

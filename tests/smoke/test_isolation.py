"""What the default isolation (`shared`) keeps of a process of its own per module: a module
still fails when it works only after another was imported, whatever ran before it in the
same child; and a failure is always confirmed in a child of its own."""

import pytest

from smoke_runs import failure, run_smoke, write_package

MARK = ("import builtins\n\nassert not hasattr(builtins, '_qa_marked'), 'another module ran first'\n"
        "builtins._qa_marked = True\n")
LAYOUT = {
    "order/__init__.py": "",
    # `a` imported first: `b` finds `a` half-done, without X. `b` imported first: fine.
    "order/a.py": "import order.b\n\nX = 1\n",
    "order/b.py": "from order.a import X\n",
    # `needs_env` works only after `env_setter` ran (imported before it, being first in order); `uses_sibling` only after `sibling` was imported.
    "order/env_setter.py": "import os\n\nos.environ['ORDER_MODE'] = 'fast'\n",
    "order/needs_env.py": "import os\n\nMODE = os.environ['ORDER_MODE']\n",
    "order/sibling.py": "VALUE = 1\n",
    "order/uses_sibling.py": "import order\n\nVALUE = order.sibling.VALUE\n",
    # Each passes on its own, but not after the other in the same process; the pause between
    # them makes the verdicts before it reach the server apart from those after it.
    "order/first_mark.py": MARK,
    "order/pause.py": "import time\n\ntime.sleep(0.3)\n",
    "order/second_mark.py": MARK,
    # Last in the order: a module that takes its process down, one that never finishes.
    "order/x_quits.py": "import os\n\nos._exit(3)\n",
    "order/y_hangs.py": "import time\n\ntime.sleep(60)\n",
    "order/z_after.py": "VALUE = 1\n",
}


@pytest.fixture(scope="module", params=["shared", "fork"])
def run(request, tmp_path_factory):
    root = write_package(tmp_path_factory.mktemp(request.param) / "src", LAYOUT)
    # One job: every module in the same shared child, one after the other.
    result = run_smoke(env={"QA_SMOKE_PATH": str(root), "QA_SMOKE_PACKAGE": "order",
                            "QA_SMOKE_ISOLATION": request.param, "QA_SMOKE_JOBS": "1", "QA_SMOKE_TIMEOUT": "2"})
    return request.param, result.stdout + result.stderr


def test_an_import_cycle_is_entered_from_each_module(run):
    _, output = run
    report = failure(output, "test_imports[order.a]")
    assert "ImportError: cannot import name 'X' from partially initialized module 'order.a'" in report, output
    assert "test_imports[order.b] PASSED" in output


def test_what_other_modules_left_behind_is_not_seen(run):
    _, output = run
    assert "KeyError: 'ORDER_MODE'" in failure(output, "test_imports[order.needs_env]"), output
    report = failure(output, "test_imports[order.uses_sibling]")
    assert "AttributeError: module 'order' has no attribute 'sibling'" in report, output


def test_a_module_failing_after_another_is_judged_in_a_process_of_its_own(run):
    isolation, output = run
    assert "test_imports[order.first_mark] PASSED" in output, output
    assert "test_imports[order.second_mark] PASSED" in output
    notes = output.partition("smoke: not decided, or judged again (no finding)")[2]
    said = "order.second_mark: failed when imported in a shared child (AssertionError: another module ran first)"
    assert (said in notes) is (isolation == "shared")


def test_a_module_that_ends_or_hangs_its_process_fails_and_the_others_are_still_checked(run):
    _, output = run
    assert "the import ended the process (exit status 3)" in failure(output, "test_imports[order.x_quits]"), output
    assert "the import did not finish within 2 s" in failure(output, "test_imports[order.y_hangs]")
    assert "test_imports[order.z_after] PASSED" in output

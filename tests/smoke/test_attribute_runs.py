"""`pytest -m smoke` on a package with the incident's stale name reached as a module attribute,
in each form, and with the dynamic patterns that must stay green: one smoke run, read as a
user reads it."""

import pytest

from smoke_runs import failure, line_of, run_smoke, write_package

DATABASE = '"""Engine and sessions: created lazily."""\n\n\ndef get_session_local():\n    return None\n'
BROKEN = {  # module -> (source, the line the finding names, the read as written)
    "acme.jobs.in_function": ("def audit():\n    from acme.core import database\n\n"
                              "    with database.SessionLocal() as db:\n        return db\n",
                              "    with database.SessionLocal() as db:", "database.SessionLocal"),
    "acme.jobs.aliased": ("import acme.core.database as db\n\nSESSION = db.SessionLocal\n", "SESSION = db.SessionLocal",
                          "db.SessionLocal"),
    "acme.jobs.dotted": ("import acme.core.database\n\n\nclass Repo:\n    def open(self):\n"
                         "        return acme.core.database.SessionLocal()\n",
                         "        return acme.core.database.SessionLocal()", "acme.core.database.SessionLocal"),
    "acme.jobs.default": ("from acme.core import database\n\n\ndef open_session(factory=database.SessionLocal):\n"
                          "    return factory()\n", "def open_session(factory=database.SessionLocal):",
                          "database.SessionLocal"),
    "acme.jobs.decorated": ("from acme.core import database\n\n\n@database.SessionLocal\ndef job():\n    pass\n",
                            "@database.SessionLocal", "database.SessionLocal"),
}
GREEN = {
    "acme.legacy": ("from acme.core.database import get_session_local\n\n\ndef __getattr__(name):\n"
                    "    if name == 'SessionLocal':  # the old name, kept alive for one release\n"
                    "        return get_session_local()\n    raise AttributeError(name)\n"),
    "acme.uses_legacy": "from acme import legacy\n\n\ndef open_session():\n    return legacy.SessionLocal()\n",
    "acme.api": "from acme.core.database import *  # noqa: F403\n",
    "acme.uses_api": "from acme import api\n\n\ndef open_session():\n    return api.get_session_local()()\n",
    "acme.speed": ("try:\n    import ujson as json\nexcept ImportError:\n    import json\n\n\n"
                   "def dump(value):\n    return json.dumps(value)\n"),
    "acme.setup": "from acme.core import database\n\ndatabase.ENGINE_URL = 'sqlite://'\n",
    "acme.url": "from acme.core import database\n\n\ndef url():\n    return database.ENGINE_URL\n",
    "acme.shadowed": ("from acme.core import database\n\n\ndef save(database):\n    return database.SessionLocal\n\n\n"
                      "def load():\n    database = {'SessionLocal': None}\n    return database.SessionLocal\n"),
}


def path_of(module: str) -> str:
    return module.replace(".", "/") + ".py"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("attributes") / "src"
    files = {"acme/__init__.py": "", "acme/core/__init__.py": "", "acme/core/database.py": DATABASE,
             "acme/jobs/__init__.py": ""}
    files.update({path_of(m): source for m, (source, _, _) in BROKEN.items()})
    files.update({path_of(m): source for m, source in GREEN.items()})
    write_package(root, files)
    result = run_smoke(env={"QA_SMOKE_PATH": str(root), "QA_SMOKE_PACKAGE": "acme"})
    return root, result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("module", BROKEN)
def test_each_form_of_the_stale_attribute_is_red_with_one_line_naming_it(run, module):
    root, code, output = run
    assert code == 1, output
    _, statement, shown = BROKEN[module]
    report = failure(output, f"test_imports[{module}]")
    line = line_of(root / path_of(module), statement)
    assert f"{path_of(module)}:{line}: {statement.strip()}\n" in report, output
    assert (f"    '{shown}': acme.core.database ({root}/acme/core/database.py) does not define 'SessionLocal'\n"
            "    did you mean 'get_session_local'?") in report


@pytest.mark.parametrize("module", GREEN)
def test_dynamic_patterns_stay_green(run, module):
    _, _, output = run
    assert f"test_imports[{module}] PASSED" in output


def test_what_was_not_decided_is_said_in_verbose_output(run):
    _, _, output = run
    notes = output.split("smoke: not decided, or judged again (no finding)")[1]
    assert "acme.uses_legacy:5: `legacy.SessionLocal`: acme.legacy: it defines a module-level __getattr__ (PEP 562)" in notes
    assert "acme.speed:8: `json.dumps`: `json` is bound to more than one thing here" in notes

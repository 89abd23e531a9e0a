"""The static check of module attributes on small trees: which `module.attr` reads are checked,
what counts as the module having the attribute, what is left undecided (and said so)."""

from pathlib import Path

import pytest

from settings_qa.smoke.analyzer import SourceTree
from settings_qa.smoke.resolution import Resolver
from smoke_runs import write_package

DATABASE = "def get_session_local():\n    return None\n\n\nENGINE = None\n"


def check(tmp_path: Path, files: dict[str, str], module: str = "app.use") -> tuple[list[dict], list[dict]]:
    files = {"app/__init__.py": "", "app/core/__init__.py": "", "app/core/database.py": DATABASE, **files}
    tree = SourceTree(write_package(tmp_path, files))
    resolver = Resolver(tree)
    modules = [".".join(Path(n).with_suffix("").parts).removesuffix(".__init__") for n in files]
    resolver.package_sets = [(m, ref.binding, ref.chain) for m in modules for ref in resolver.references(m).sets]
    problems, notes = resolver.problems(module)
    return [p for p in problems if p["kind"] == "attribute"], notes


def found(problems: list[dict]) -> list[tuple[int, str]]:
    return [(p["line"], p["message"].split(":")[0]) for p in problems]


@pytest.mark.parametrize("source, line, shown, nested", [
    ("from app.core import database\n\ndef save():\n    database.SessionLocal()\n", 4, "database.SessionLocal",
     True),
    ("def save():\n    from app.core import database\n    return database.SessionLocal()\n", 3,
     "database.SessionLocal", True),
    ("import app.core.database as db\n\nSESSION = db.SessionLocal\n", 3, "db.SessionLocal", False),
    ("import app.core.database\n\nclass Repo:\n    def open(self):\n        return app.core.database.SessionLocal()\n",
     5, "app.core.database.SessionLocal", True),
    ("from app.core import database\n\ndef save(factory=database.SessionLocal):\n    return factory\n", 3,
     "database.SessionLocal", False),
    ("from app.core import database\n\n@database.SessionLocal\ndef save():\n    pass\n", 3, "database.SessionLocal",
     False),
    ("from app.core import database\n\nfactory = lambda: database.SessionLocal\n", 3, "database.SessionLocal", True),
    ("from app.core import database\n\nrows = [database.SessionLocal for _ in ()]\n", 3, "database.SessionLocal",
     False),
    ("from app import core\n\nSESSION = core.database.SessionLocal\n", 3, "core.database.SessionLocal", False),
], ids=["function", "import-in-function", "alias", "dotted-in-method", "default", "decorator", "lambda",
        "comprehension", "submodule"])
def test_a_stale_name_read_from_an_imported_module_is_found(tmp_path, source, line, shown, nested):
    problems, _ = check(tmp_path, {"app/use.py": source})
    assert found(problems) == [(line, f"'{shown}'")]
    (problem,) = problems
    assert problem["message"] == (f"'{shown}': app.core.database ({tmp_path}/app/core/database.py) "
                                  "does not define 'SessionLocal'")
    assert problem["hint"] == "did you mean 'get_session_local'?"
    assert problem["nested"] is nested


def test_function_body_and_module_level_are_told_apart(tmp_path):
    problems, _ = check(tmp_path, {"app/use.py": "from app.core import database\n\nA = database.Gone\n\n"
                                                 "def f():\n    return database.Gone\n"})
    assert [(p["line"], p["nested"], p["statement"]) for p in problems] == [
        (3, False, "A = database.Gone"), (6, True, "return database.Gone")]


@pytest.mark.parametrize("source", [
    "def save(database):\n    return database.SessionLocal\n",  # a parameter
    "def save():\n    database = make()\n    return database.SessionLocal\n",  # a local variable
    "def save():\n    for database in ():\n        database.SessionLocal\n",
    "rows = [database.SessionLocal for database in ()]\n",  # a comprehension's own variable
    "f = lambda database: database.SessionLocal\n",
    "try:\n    pass\nexcept Exception as database:\n    database.SessionLocal\n",
    "def outer():\n    database = make()\n    def inner():\n        return database.SessionLocal\n",
], ids=["parameter", "local", "loop", "comprehension", "lambda", "except-as", "enclosing-function"])
def test_a_local_name_that_shadows_the_module_is_not_the_module(tmp_path, source):
    problems, _ = check(tmp_path, {"app/use.py": "from app.core import database\n\n" + source})
    assert problems == []


def test_class_attributes_do_not_shadow_the_module_inside_methods(tmp_path):
    source = ("from app.core import database\n\nclass Repo:\n    database = None\n"
              "    def open(self):\n        return database.SessionLocal\n")
    problems, _ = check(tmp_path, {"app/use.py": source})
    assert found(problems) == [(6, "'database.SessionLocal'")]  # Python looks past the class body


def test_names_the_module_has_in_any_way_are_accepted(tmp_path):
    problems, notes = check(tmp_path, {
        "app/core/database.py": DATABASE + "try:\n    import ujson as JSON\nexcept ImportError:\n    JSON = None\n"
                                           "if ENGINE:\n    A = 1\nelse:\n    B = 2\n__all__ = ['LISTED']\n"
                                           "def init():\n    global LATE\n    LATE = 1\n",
        "app/core/pool.py": "",
        "app/setup.py": "from app.core import database\n\ndatabase.CONFIGURED = True\n"
                        "setattr(database, 'ALSO', 1)\n",
        "app/use.py": "from app.core import database\nimport app.core\n\n"
                      "X = (database.JSON, database.A, database.B, database.LISTED, database.LATE,\n"
                      "     database.CONFIGURED, database.ALSO, database.__file__, app.core.pool)\n",
    })
    assert problems == [] and notes == []


def test_star_reexports_and_reexported_modules_are_followed(tmp_path):
    problems, _ = check(tmp_path, {
        "app/api.py": "from app.core.database import *\n",
        "app/__init__.py": "from app.core import database as db\n",
        "app/use.py": "from app import api\nimport app\n\nA = api.get_session_local\nB = api.SessionLocal\n"
                      "C = app.db.get_session_local\nD = app.db.SessionLocal\n",
    })
    assert found(problems) == [(5, "'api.SessionLocal'"), (7, "'app.db.SessionLocal'")]


def test_a_pep_562_module_and_guarded_reads_are_notes_not_findings(tmp_path):
    problems, notes = check(tmp_path, {
        "app/core/database.py": DATABASE + "def __getattr__(name):\n    if name == 'SessionLocal':\n"
                                           "        return get_session_local()\n    raise AttributeError(name)\n",
        "app/core/pool.py": "SIZE = 1\n",
        "app/use.py": "from app.core import database, pool\ntry:\n    import ujson as json\nexcept ImportError:\n"
                      "    import json\n\nA = database.SessionLocal\nif hasattr(pool, 'LIMIT'):\n    B = pool.LIMIT\n"
                      "try:\n    C = pool.MAXIMUM\nexcept AttributeError:\n    C = None\nD = json.dumps\n",
    })
    assert problems == []
    assert [(n["line"], n["text"]) for n in notes] == [
        (7, "database.SessionLocal"), (9, "pool.LIMIT"), (11, "pool.MAXIMUM"), (14, "json.dumps")]
    assert "PEP 562" in notes[0]["why"]
    assert [n["why"] for n in notes[1:3]] == ["guarded by hasattr()", "inside try/except AttributeError"]
    assert "bound to more than one thing" in notes[3]["why"]


def test_other_libraries_modules_are_checked_too(tmp_path):
    problems, notes = check(tmp_path, {"app/use.py": (
        "import os.path\nimport sys\nimport json as j\n\nA = os.path.joinpath\nB = j.dumps\nC = sys.nope\n"
        "if sys.version_info >= (3, 99):\n    D = sys.future_thing\n")})
    assert [(p["line"], p["message"].split(" (")[0]) for p in problems] == [
        (5, "'os.path.joinpath': posixpath"), (7, "'sys.nope': sys")]
    assert problems[0]["hint"] == "did you mean 'join'?"
    assert [(n["line"], n["why"]) for n in notes] == [(9, "under a version, platform or TYPE_CHECKING test")]


def test_a_module_that_binds_names_through_globals_is_not_decided(tmp_path):
    problems, notes = check(tmp_path, {
        "app/core/database.py": DATABASE + "globals()['SessionLocal'] = get_session_local\n",
        "app/use.py": "from app.core import database\n\nA = database.SessionLocal\n",
    })
    assert problems == []
    assert notes[0]["why"] == "app.core.database: it binds names through globals()"


def test_another_librarys_module_filled_at_run_time_is_not_decided(tmp_path, monkeypatch):
    # Like alembic.context: empty until the tool that runs the module fills its namespace.
    library = write_package(tmp_path / "site", {"proxylib.py": "def install(namespace):\n    pass\n\n\n"
                                                               "install(globals())\n"})
    monkeypatch.syspath_prepend(str(library))
    problems, notes = check(tmp_path / "src", {"app/use.py": "import proxylib\n\nconfig = proxylib.config\n"})
    assert problems == []
    assert notes == [{"line": 3, "text": "proxylib.config",
                      "why": "proxylib: it hands its globals() to a function, which may bind any name"}]

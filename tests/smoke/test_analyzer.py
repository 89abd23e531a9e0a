"""The static analyzer on small trees: what counts as defined, what is checked, what is optional."""

from pathlib import Path

import pytest

from settings_qa.smoke.analyzer import SourceTree


def tree_of(tmp_path: Path, files: dict[str, str]) -> SourceTree:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return SourceTree(tmp_path)


def unresolved(tree: SourceTree, module: str) -> list[tuple[int, str]]:
    return [(ref.line, gap.missing) for ref in tree.imports(module)
            if tree.is_first_party(ref.top) and not ref.optional and (gap := tree.resolve(ref))]


def test_names_bound_in_branches_loops_and_with_count_as_defined(tmp_path):
    tree = tree_of(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/defs.py": "import os\nif os.name:\n    A = 1\nelse:\n    def B(): ...\n"
                       "for C in (): pass\nwith open(__file__) as D: pass\ntry:\n    E = 1\n"
                       "except ValueError:\n    F = 2\n(G := 3)\nH: int\n",
        "pkg/use.py": "from pkg.defs import A, B, C, D, E, F, G, os\nfrom pkg.defs import H\n",
    })
    assert unresolved(tree, "pkg.use") == [(2, "H")]  # a bare annotation binds nothing


def test_imports_in_functions_and_conditions_are_checked_and_flagged(tmp_path):
    tree = tree_of(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "x = 1\n",
        "pkg/b.py": "import sys\nif sys.argv:\n    from .a import y\n\ndef f():\n    from pkg.a import z\n",
    })
    assert unresolved(tree, "pkg.b") == [(3, "y"), (6, "z")]
    assert [ref.nested for ref in tree.imports("pkg.b") if ref.module == "pkg.a"] == [False, True]


@pytest.mark.parametrize("handler, optional", [
    ("ImportError", True), ("(ModuleNotFoundError, OSError)", True), ("Exception", False),
])
def test_only_import_error_handlers_make_an_import_optional(tmp_path, handler, optional):
    tree = tree_of(tmp_path, {"pkg/__init__.py": f"try:\n    from pkg.gone import x\nexcept {handler}:\n    x = None\n"})
    (ref,) = tree.imports("pkg")
    assert ref.optional is optional


def test_star_reexports_all_and_submodules_resolve(tmp_path):
    tree = tree_of(tmp_path, {
        "pkg/__init__.py": "from .core import *\n",
        "pkg/core.py": "__all__ = ['public']\npublic = 1\nhidden = 2\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/leaf.py": "",
        "use.py": "from pkg import public\nfrom pkg import hidden\nfrom pkg.sub import leaf\n"
                  "import pkg.sub.leaf\nimport pkg.sub.gone\n",
    })
    assert unresolved(tree, "use") == [(2, "hidden"), (5, "pkg.sub.gone")]


def test_relative_import_beyond_the_top_level_package_is_an_error(tmp_path):
    tree = tree_of(tmp_path, {"pkg/__init__.py": "", "pkg/m.py": "from ...x import y\n"})
    (ref,) = tree.imports("pkg.m")
    assert ref.error == "relative import beyond the top-level package"


def test_module_level_getattr_answers_any_name(tmp_path):
    tree = tree_of(tmp_path, {"lazy.py": "def __getattr__(name): ...\n", "use.py": "from lazy import anything\n"})
    assert unresolved(tree, "use") == []

"""Importing one module of the tree, as the smoke's children do.

- `CompiledTree`: the tree's files compiled once in the server (compiled, never run), found by
  the children like the path finder would find them. Without a bytecode cache
  (PYTHONDONTWRITEBYTECODE=1) a forked child would otherwise compile every file of its
  module's closure again: the time grew with modules x closure.
- `try_import`: import a module, catch whatever its import raises (SystemExit and
  KeyboardInterrupt included), describe it (failures.py).
- `Visibility`: in a shared child (forks.py), the package's modules that may stay loaded
  while the next module is imported; the others are taken out of `sys.modules` (and off
  their parent package) and put back when a later module may see them.

Stdlib only: this module is loaded by path into the import server's interpreter.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings

from .failures import describe_failure


class CompiledTree(importlib.abc.MetaPathFinder):
    """Finds the tree's modules as the path finder does, but loads their code compiled here.

    Only the compile step is shared: each child still creates and runs every module it imports,
    in a process where none of the tree has run. A file that does not compile is left to the
    normal loader, so its SyntaxError reads as before.
    """

    def __init__(self, tree, modules: list[str]) -> None:
        self.entries: dict[str, tuple[str, object, bool]] = {}  # module -> (file, code, is a package)
        for module in modules:
            path = tree.path_of(module)
            if path is None or not path.is_file():
                continue
            try:
                code = compile(tree.source(module), str(path), "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                continue
            self.entries[module] = (str(path), code, path.name == "__init__.py")

    def find_spec(self, name, path=None, target=None):
        entry = self.entries.get(name)
        if entry is None:
            return None  # not ours, or not compiled: the path finder's
        file, code, package = entry
        return importlib.util.spec_from_file_location(
            name, file, loader=_CompiledLoader(name, file, code),
            submodule_search_locations=[os.path.dirname(file)] if package else None)


class _CompiledLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, code) -> None:
        super().__init__(fullname, path)
        self._code = code

    def get_code(self, fullname):
        return self._code


def try_import(module: str, tree, warnings_as_errors: bool) -> dict:
    if warnings_as_errors:
        warnings.simplefilter("error")
    try:
        importlib.import_module(module)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt at import time count too
        return {"ok": False, "problem": describe_failure(exc, tree)}
    return {"ok": True}


class Visibility(importlib.abc.MetaPathFinder):
    """Which of the package's modules are loaded; `show_only(names)` hides the others."""

    def __init__(self, package: str) -> None:
        self.package = package
        self.loaded: set[str] = set()  # of the package, possibly in sys.modules
        self.hidden: dict[str, object] = {}  # taken out of sys.modules
        sys.meta_path.insert(0, self)

    def find_spec(self, name, path=None, target=None):
        if name == self.package or name.startswith(self.package + "."):
            self.loaded.add(name)
        return None  # only watching: the real finders find it

    def show_only(self, names: set[str]) -> None:
        """Hide the loaded modules not in `names`; show the hidden ones in it. A parent package,
        hidden or not, loses (or regains) the attribute naming the module."""
        modules, hidden = sys.modules, self.hidden
        for name in self.loaded - names:
            module = modules.pop(name, None)
            if module is None:
                continue
            hidden[name] = module
            parent, _, child = name.rpartition(".")
            owner = modules.get(parent) or hidden.get(parent)
            if owner is not None and owner.__dict__.get(child) is module:
                delattr(owner, child)
        self.loaded &= names
        for name in names & hidden.keys():
            module = hidden.pop(name)
            if name in modules:
                continue  # imported again meanwhile: that copy stays
            modules[name] = module
            self.loaded.add(name)
            parent, _, child = name.rpartition(".")
            owner = modules.get(parent) or hidden.get(parent)
            if owner is not None:
                setattr(owner, child, module)

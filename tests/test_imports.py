"""No module of the cflint package imports the command line (``cflint.cli``) but
``cflint/__main__.py``: the commands, discovery, formats and errors live in their own
modules, and the CLI only parses arguments and dispatches. Every module is read with
``ast``: imports at any depth (inside functions, under ``if``), relative imports resolved
against the module's package, and ``importlib.import_module``/``__import__`` of a constant
name."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "cflint"
FORBIDDEN = "cflint.cli"
ALLOWED = {"cflint/__main__.py"}


def module_name(path: Path, root: Path) -> str:
    """cflint/live/command.py -> cflint.live.command; cflint/live/__init__.py -> cflint.live."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name ``from <level dots><name> import ...`` means in ``module``."""
    if level == 0:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 > len(base) - 1:
        raise ImportError(f"relative import beyond the top package in {module}")
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def imported(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """Every (line, module name) the source may import, at any depth: ``import a.b`` gives
    a.b; ``from a import b`` gives a and a.b (b may be a module); relative names resolved;
    ``import_module("a.b")`` and ``__import__("a.b")`` with a constant name as well."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            out.append((node.lineno, base))
            out.extend((node.lineno, f"{base}.{a.name}") for a in node.names if a.name != "*")
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else \
                func.id if isinstance(func, ast.Name) else None
            if called not in ("import_module", "__import__"):
                continue
            target = node.args[0].value
            if target.startswith("."):  # import_module(".cli", package=...): this package's
                level = len(target) - len(target.lstrip("."))
                target = _resolve(module, is_package, level, target.lstrip(".") or None)
            out.append((node.lineno, target))
    return out


def is_forbidden(name: str) -> bool:
    return name == FORBIDDEN or name.startswith(FORBIDDEN + ".")


def modules(root: Path) -> list[Path]:
    return sorted((root / PACKAGE).rglob("*.py"))


def violations(root: Path) -> list[str]:
    """'path:line imports cflint.cli', once per import statement, for every module but the
    allowed ones."""
    found: list[str] = []
    for path in modules(root):
        rel = path.relative_to(root).as_posix()
        if rel in ALLOWED:
            continue
        name = module_name(path, root)
        for line, target in imported(path.read_text(encoding="utf-8"), name,
                                     is_package=path.name == "__init__.py"):
            where = f"{rel}:{line} imports {FORBIDDEN}"
            if is_forbidden(target) and where not in found:
                found.append(where)
    return found


# ---------------------------------------------------------------------------- the package

def test_no_module_but_main_imports_the_cli():
    assert violations(ROOT) == []


def test_every_module_is_scanned():
    scanned = {p.relative_to(ROOT).as_posix() for p in modules(ROOT)}
    # the modules that imported the CLI before it was split, and the subpackages
    assert {"cflint/audit.py", "cflint/config.py", "cflint/live/run.py",
            "cflint/live/command.py", "cflint/formats/__init__.py",
            "cflint/__main__.py"} <= scanned
    assert len(scanned) > 30


def test_main_is_the_one_that_imports_it():
    main = ROOT / PACKAGE / "__main__.py"
    assert [n for _, n in imported(main.read_text(), "cflint.__main__") if is_forbidden(n)]


# ---------------------------------------------------------------------------- the scanner

@pytest.mark.parametrize("module,is_package,source", [
    ("cflint.audit", False, "import cflint.cli\n"),
    ("cflint.audit", False, "import cflint.cli as c\n"),
    ("cflint.audit", False, "from cflint import cli\n"),
    ("cflint.audit", False, "from cflint.cli import main\n"),
    ("cflint.audit", False, "from . import cli\n"),
    ("cflint.audit", False, "from .cli import UsageError\n"),
    ("cflint.audit", False, "def f():\n    from .cli import discover\n    return discover\n"),
    ("cflint.audit", False, "class A:\n    def m(self):\n        if True:\n"
                            "            from . import cli as c\n"),
    ("cflint.live.command", False, "def run(args):\n    from ..cli import _csv, _write\n"),
    ("cflint.live.command", False, "from .. import cli\n"),
    ("cflint.live", True, "from .. import cli\n"),
    ("cflint", True, "from . import cli\n"),
    ("cflint.live.command", False,
     "import importlib\ndef f():\n    return importlib.import_module('cflint.cli')\n"),
    ("cflint.live.command", False,
     "from importlib import import_module\nimport_module('..cli', 'cflint.live')\n"),
    ("cflint.audit", False, "__import__('cflint.cli')\n"),
    ("cflint.audit", False, "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                            "    from .cli import UsageError\n"),
])
def test_the_scanner_finds_an_import_of_the_cli(module, is_package, source):
    assert [n for _, n in imported(source, module, is_package) if is_forbidden(n)]


@pytest.mark.parametrize("module,is_package,source", [
    ("cflint.audit", False, "from .inputs import discover\nfrom .errors import UsageError\n"),
    ("cflint.audit", False, "from . import client, clinic\nimport cflint.clio\n"),
    ("cflint.live.command", False, "from .cli import x\n"),     # cflint.live.cli, not the CLI
    ("cflint.live.command", False, "from ..commands import write_output\n"),
    ("cflint.audit", False, "import cli\nfrom cli import main\n"),  # some other top-level cli
    ("cflint.audit", False, "x = 'cflint.cli'\nprint('from .cli import main')\n"),
])
def test_the_scanner_lets_other_imports_be(module, is_package, source):
    assert not [n for _, n in imported(source, module, is_package) if is_forbidden(n)]


def test_the_scan_fails_on_a_violation(tmp_path):
    pkg = tmp_path / PACKAGE
    (pkg / "live").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "cli.py").write_text("from .errors import UsageError\n")
    (pkg / "__main__.py").write_text("from .cli import main\n")  # allowed
    (pkg / "errors.py").write_text("class UsageError(Exception):\n    pass\n")
    (pkg / "live" / "__init__.py").write_text("")
    (pkg / "live" / "command.py").write_text(
        "import os\n\n\ndef run(args):\n    from ..cli import UsageError\n    return 0\n")
    assert violations(tmp_path) == ["cflint/live/command.py:5 imports cflint.cli"]
    (pkg / "live" / "command.py").write_text("from ..errors import UsageError\n")
    assert violations(tmp_path) == []

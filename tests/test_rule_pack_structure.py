"""The built-in rule pack's structure, read from its source with ``ast``: no rule module
imports another rule module (top level or inside a function, absolute or relative), so
each family can be read, moved or deleted alone; the helpers beside the rules define no
rule and import none; and registration finds exactly the rules the modules define."""
import ast
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "rules"
NAMES = ("rules", "cflint_rules")  # the directory's name, and the installed package's


def _module(path: Path, root: Path) -> tuple[str, ...]:
    """rules/safety/common.py -> ("safety", "common"); rules/__init__.py -> ()."""
    parts = path.relative_to(root).with_suffix("").parts
    return parts[:-1] if parts[-1] == "__init__" else parts


def _defines_rule(tree: ast.Module) -> bool:
    """A class deriving from Rule (directly, or through a class of the same module), or
    one that sets ``meta = RuleMeta(...)``."""
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    rules: set[str] = set()
    changed = True
    while changed:
        changed = False
        for c in classes:
            if c.name in rules:
                continue
            bases = {b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute)
                     else None for b in c.bases}
            meta = any(isinstance(s, (ast.Assign, ast.AnnAssign)) and isinstance(s.value, ast.Call)
                       and getattr(s.value.func, "id", getattr(s.value.func, "attr", None))
                       == "RuleMeta" for s in c.body)
            if "Rule" in bases or bases & rules or meta:
                rules.add(c.name)
                changed = True
    return bool(rules)


def _imports(tree: ast.Module, name: tuple[str, ...], is_package: bool,
             modules: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """The pack's modules ``name`` imports, wherever the import statement is; importing a
    module imports its packages too (the pack itself, (), is left out)."""
    out: set[tuple[str, ...]] = set()
    package = name if is_package else name[:-1]
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [tuple(a.name.split("."))[1:] for a in node.names
                       if a.name.split(".")[0] in NAMES]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if node.level - 1 > len(package):
                    raise AssertionError(f"{'.'.join(name)}: import beyond the pack")
                base = package[:len(package) - (node.level - 1)]
                mod = base + (tuple(node.module.split(".")) if node.module else ())
            elif node.module and node.module.split(".")[0] in NAMES:
                mod = tuple(node.module.split("."))[1:]
            else:
                continue
            # 'from . import x' and 'from .fam import x' import the module x when it is one
            targets = [mod] + [mod + (a.name,) for a in node.names if mod + (a.name,) in modules]
        for t in targets:
            out.update(t[:i] for i in range(1, len(t) + 1))
    return out


def scan(root: Path) -> dict[tuple[str, ...], dict]:
    """Every module of the pack at ``root``: {"rule": defines a rule, "imports": the
    pack's modules it imports}."""
    paths = {_module(p, root): p for p in sorted(root.rglob("*.py"))
             if "__pycache__" not in p.parts}
    out = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(), str(path))
        out[name] = {"rule": _defines_rule(tree),
                     "imports": _imports(tree, name, path.name == "__init__.py", set(paths))}
    return out


def violations(root: Path) -> list[str]:
    """'a.b imports c.d' for every module importing a rule module other than itself."""
    mods = scan(root)
    return [f"{'.'.join(name) or '<pack>'} imports {'.'.join(imp)}"
            for name, m in mods.items() for imp in sorted(m["imports"])
            if imp != name and mods.get(imp, {}).get("rule")]


# ------------------------------------------------------------------ the real pack


def test_no_module_imports_a_rule_module():
    assert violations(PACK) == []


def test_support_defines_no_rule():
    mods = scan(PACK)
    support = [n for n in mods if n[:1] == ("support",)]
    assert len(support) >= 4
    assert [n for n in support if mods[n]["rule"]] == []


def test_the_scan_agrees_with_what_is_imported():
    """The modules the scan calls rule modules are those that define Rule subclasses
    when imported, and every family is one (no module is missed)."""
    import cflint_rules as pack
    from cflint.api import Rule

    runtime = {tuple(m.__name__.split(".")[1:]) for m in pack.modules()
               if any(isinstance(o, type) and issubclass(o, Rule) and o.__module__ == m.__name__
                      for o in vars(m).values())}
    assert {n for n, m in scan(PACK).items() if m["rule"]} == runtime
    assert {n[0] for n in runtime} == {"framework", "strength", "certs", "cadir", "safety",
                                       "keys", "live", "tls_options"}


def _declared_codes() -> set[str]:
    """code= of every RuleMeta(...) written in the pack's source."""
    codes = set()
    for p in PACK.rglob("*.py"):
        for n in ast.walk(ast.parse(p.read_text())):
            if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "RuleMeta":
                codes.update(k.value.value for k in n.keywords if k.arg == "code")
    return codes


def test_registration_finds_every_rule_once_in_code_order():
    import cflint_rules as pack

    first, second = pack.cflint_register_rules(), pack.cflint_register_rules()
    codes = [r.meta.code for r in first]
    assert codes == sorted(codes) == [r.meta.code for r in second]
    assert len(codes) == len(set(codes))
    assert set(codes) == _declared_codes()
    assert not {id(r) for r in first} & {id(r) for r in second}  # fresh instances: the
    # engine stamps its pack name on each


def test_registered_rules_are_the_readme_catalog():
    import re

    import cflint_rules as pack

    text = (ROOT / "README.md").read_text()
    catalog = {c for m in re.finditer(r"^\| (CF\d{3}(?:/CF\d{3})*) \|", text, re.M)
               for c in m.group(1).split("/")}
    assert {r.meta.code for r in pack.cflint_register_rules()} == catalog


def test_every_package_of_the_pack_is_packaged():
    """A wheel (pip install ., pre-commit) ships only the packages pyproject.toml lists."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {".".join(("cflint_rules",) + p.parent.relative_to(PACK).parts)
             for p in PACK.rglob("__init__.py") if "__pycache__" not in p.parts}
    assert found - listed == set()


def test_every_package_of_the_core_is_packaged():
    """The same for cflint itself: a subpackage left out of the list is missing from a
    regular install, while an editable one (the tests') still finds it."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    core = ROOT / "cflint"
    found = {".".join(("cflint",) + p.parent.relative_to(core).parts)
             for p in core.rglob("__init__.py") if "__pycache__" not in p.parts}
    assert "cflint.model" in found and found - listed == set()


# ------------------------------------------------------------------ the scanner itself

RULE = """
from cflint.api import Rule, RuleMeta


class {name}(Rule):
    meta = RuleMeta(code="{code}", name="{slug}", level="note", impacts=("hygiene",),
                    summary="s", rationale="r", fix="f")

    def check(self, model):
        return []
"""


def _pack(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "rules"
    for rel, text in {"__init__.py": "", "support/__init__.py": "", "fam/__init__.py": "",
                      "other/__init__.py": "", **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text))
    return root


def test_the_scanner_allows_support_imports(tmp_path):
    root = _pack(tmp_path, {
        "support/helpers.py": "def helper():\n    return 1\n",
        "fam/one.py": "from ..support.helpers import helper\n"
                      + RULE.format(name="One", code="XX001", slug="one"),
        "fam/two.py": "from ..support import helpers\nimport rules.support.helpers\n"
                      + RULE.format(name="Two", code="XX002", slug="two"),
    })
    assert violations(root) == []


@pytest.mark.parametrize("where,source", [
    ("fam/two.py", "from .one import One\n"),
    ("fam/two.py", "from . import one\n"),
    ("other/three.py", "from ..fam.one import One\n"),
    ("other/three.py", "from ..fam import one\n"),
    ("other/three.py", "import rules.fam.one\n"),
    ("other/three.py", "from cflint_rules.fam.one import One\n"),
    ("other/three.py", "def f():\n    from ..fam.one import One\n    return One\n"),
    ("other/three.py", "class X:\n    def m(self):\n        from ..fam import one\n"),
    ("support/helpers.py", "from ..fam.one import One\n"),  # a helper coupling two rules
])
def test_the_scanner_catches_a_rule_module_imported(tmp_path, where, source):
    files = {"fam/one.py": RULE.format(name="One", code="XX001", slug="one"),
             "support/helpers.py": "def helper():\n    return 1\n"}
    slug = Path(where).stem
    files[where] = source + ("" if where.startswith("support") else
                             RULE.format(name="Other", code="XX009", slug=slug))
    importer = ".".join(Path(where).with_suffix("").parts)
    assert violations(_pack(tmp_path, files)) == [f"{importer} imports fam.one"]


def test_the_scanner_sees_rules_defined_through_a_base_class(tmp_path):
    """A module whose class derives from a Rule subclass of its own is a rule module."""
    root = _pack(tmp_path, {
        "fam/base.py": "from cflint.api import Rule\n\n\nclass _Base(Rule):\n    pass\n\n\n"
                       "class Concrete(_Base):\n    pass\n",
        "other/x.py": "from ..fam.base import Concrete\n",
    })
    assert violations(root) == ["other.x imports fam.base"]

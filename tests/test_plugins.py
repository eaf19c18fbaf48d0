"""Rule packs are found through the ``cflint`` entry point: a real, separately built
distribution is installed into a scratch directory and found, listed and run."""
import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest

PACK_MODULE = '''
from cflint.api import Location, Rule, RuleMeta, hookimpl


class NoPostmaster(Rule):
    meta = RuleMeta(
        code="{code}", name="{name}", level="warning", impacts=("hygiene",),
        summary="Demo rule from a third-party pack",
        rationale="Shows that a pack installed from its own distribution is found.",
        fix="None needed.",
    )

    def check(self, model):
        for cfg in model.configs:
            yield self.finding(Location(cfg.path, 1), "demo pack ran on " + cfg.role)


@hookimpl
def cflint_register_rules():
    return [NoPostmaster()]
'''


def build_pack(tmp_path, dist, module, code, name):
    src = tmp_path / f"src-{dist}"
    (src / module).mkdir(parents=True)
    (src / module / "__init__.py").write_text(PACK_MODULE.format(code=code, name=name))
    (src / "pyproject.toml").write_text(textwrap.dedent(f"""
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{dist}"
        version = "0.0.1"

        [project.entry-points.cflint]
        {dist.replace('-', '_')} = "{module}"

        [tool.setuptools]
        packages = ["{module}"]
        """))
    target = tmp_path / f"site-{dist}"
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
           "--disable-pip-version-check", "--target", str(target), str(src)]
    if all(importlib.util.find_spec(m) for m in ("setuptools", "wheel")):
        cmd.insert(4, "--no-build-isolation")
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    # the installed distribution carries its entry point in its metadata
    assert list(target.glob(f"{dist.replace('-', '_')}-0.0.1.dist-info/entry_points.txt"))
    return target


def run_cflint(args, site_dirs, cwd=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*map(str, site_dirs), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "cflint", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def demo_pack(tmp_path_factory):
    return build_pack(tmp_path_factory.mktemp("pack"), "cflint-demo-pack", "cflint_demo_pack",
                      "DEMO001", "demo-rule")


def test_third_party_pack_is_listed(demo_pack):
    r = run_cflint(["rules", "--format", "json"], [demo_pack])
    assert r.returncode == 0, r.stderr
    rules = {x["code"]: x for x in json.loads(r.stdout)}
    assert rules["DEMO001"]["pack"].startswith("cflint-demo-pack 0.0.1")
    # the built-in pack is found through the same entry point group
    assert rules["CF001"]["pack"].startswith("cflint ")


def test_third_party_rule_runs(demo_pack, tmp_path):
    cf = tmp_path / "sendmail.cf"
    cf.write_text("V10/Berkeley\nO LogLevel=9\n")
    r = run_cflint(["check", str(cf), "--format", "json", "--select", "DEMO001"], [demo_pack])
    assert r.returncode == 1, r.stderr
    found = json.loads(r.stdout)["findings"]
    assert [(f["code"], f["message"]) for f in found] == [("DEMO001", "demo pack ran on mta")]
    r = run_cflint(["rule", "DEMO001"], [demo_pack])
    assert "Demo rule from a third-party pack" in r.stdout


def test_pack_absent_without_install(tmp_path):
    r = run_cflint(["rules", "--format", "json"], [])
    assert "DEMO001" not in {x["code"] for x in json.loads(r.stdout)}


def test_disabled_pack_is_not_loaded(demo_pack):
    env_args = ["rules", "--format", "json"]
    env = dict(os.environ, CFLINT_DISABLE_PLUGINS="cflint_demo_pack",
               PYTHONPATH=str(demo_pack))
    r = subprocess.run([sys.executable, "-m", "cflint", *env_args], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "DEMO001" not in {x["code"] for x in json.loads(r.stdout)}


def test_duplicate_code_from_two_packs_is_an_error(tmp_path):
    clash = build_pack(tmp_path, "cflint-clash-pack", "cflint_clash_pack", "CF001", "clash")
    r = run_cflint(["rules"], [clash])
    assert r.returncode == 2
    assert "duplicate rule code CF001" in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1

"""Every fix hint, applied and linted again: a fix that is wrong is worse than none.

For each rule, each finding its bad fixtures raise (of the rule's code) has its fix text
parsed and applied to a fresh scratch copy of the fixture, in the .cf form and in the .mc
form (the twin of tests/test_mc_twins.py, read without sendmail-cf); the scratch is linted
again with every rule, and the finding (same code, same anchor) must be gone, with no new
error and no new warning but the ones NEXT_STEP explains.

How a fix text is read (``RuleMeta.fix_kind`` declares which of these a rule uses):

- shell: the text, after an optional "Words: " lead and up to the first " (" comment, is
  commands joined by ``&&``, each one of SHELL (chmod, chown, chgrp, ln -s, rm, mv, cp,
  mkdir -p, echo 'LINE' >> FILE, makemap hash, openssl rehash, cd DIR). Absolute paths
  are re-based into the scratch --root (never the real /etc); owners are the names of the
  scratch tree's etc/passwd and etc/group. A text starting with another command is not
  shell.
- option: a quoted ``'O Name=value'``; in the .mc form the ``define(`conf..', `..')dnl``
  the same text gives (an option with no conf macro goes under LOCAL_CONFIG). "Write ..."
  replaces the line the finding points at; otherwise the lines setting that option are
  replaced, or the line is added.
- remove: "Remove/Delete the (NAME) line" deletes the finding's line ("then: CMD" runs
  CMD as shell); "Remove WORD from the NAME line" takes the word out of it.
- anything else is by hand: the rule must declare "manual" and say why (fix_manual).
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from cflint.findings import FIX_KINDS
from cflint.sendmail.mc_macros import macro_for_option
from test_mc_twins import CF_ONLY, twin
from test_rules import (BUILTIN, RULES_DIR, build_scenario, is_live, lint_many,
                        lint_unprivileged, read_fixture)

META = {r.meta.code: r.meta for r in BUILTIN}
SHELL = ("chmod", "chown", "chgrp", "ln", "rm", "mv", "cp", "mkdir", "echo", "makemap",
         "openssl", "cd")
# (code fixed, code of a new finding): why that finding is the next step, not the fix's fault.
# A fix that makes a hidden option take effect shows what the config-only fixture lacks.
REVEALED = ("the fix makes sendmail read an option the line hid; the config-only fixture has "
            "none of the other TLS options or files, which then show")
NEXT_STEP: dict[tuple[str, str], str] = {
    ("CF003", "CF101"): REVEALED, ("CF003", "CF301"): REVEALED, ("CF003", "CF107"): REVEALED,
    ("CF004", "CF405"): REVEALED, ("CF006", "CF101"): REVEALED, ("CF006", "CF405"): REVEALED,
    ("CF101", "CF301"): "the second pair, ignored before, is read: the fixture has no files",
    ("CF501", "CF604"): "the key made 0600, GroupReadableKeyFile is unneeded: CF604 says so",
    ("CF502", "CF604"): "the key made 0600, GroupReadableKeyFile is unneeded: CF604 says so",
    ("CF603", "CF604"): "the key made 0600, GroupReadableKeyFile is unneeded: CF604 says so",
}


class NotMechanical(Exception):
    """The fix text reads as a mechanical fix but cannot be applied as written."""


class WrongFix(Exception):
    """Applied as written, the fix would lose what the file had."""


@dataclass
class Scratch:
    targets: list[str]
    args: list[str]
    root: Path | None  # the --root, when the lint has one
    box: Path  # nothing outside it is touched
    unprivileged: bool = False

    def path(self, p: str, cwd: Path | None = None) -> Path:
        """A path of the fix text or of a finding, in the scratch tree."""
        if p.startswith("/") and self.root is not None:
            out = self.root / p.lstrip("/")
        else:
            out = (cwd or self.box) / p
        out = Path(os.path.normpath(out))
        if not out.is_relative_to(self.box):
            raise NotMechanical(f"{p} is outside the scratch tree")
        return out

    def follow(self, p: Path) -> Path:
        """``p`` with its symbolic links resolved inside the scratch (a chmod through a
        link must never reach a file outside it)."""
        for _ in range(40):
            if not p.is_symlink():
                return p
            t = os.readlink(p)
            p = self.path(t) if t.startswith("/") else self.path(t, p.parent)
        raise NotMechanical(f"{p}: symbolic link loop")

    def lint(self, tmp: Path, code: str):
        if "--select" in self.args:  # a fixture's own --select: keep it, and add the rule
            self.args = [*self.args, "--select", code]
        if self.unprivileged:
            return lint_unprivileged(self.targets, self.args, tmp, "ALL" if "--select" not in
                                     self.args else code)
        return lint_many(self.targets, self.args, tmp)


def forms(code: str, fx: Path):
    """The forms a fixture is linted in: its own, and its .mc twin when it has one."""
    yield "own"
    twins = not (code in CF_ONLY or f"{code}/{fx.name}" in CF_ONLY or fx.suffix == ".mc"
                 or (fx.is_dir() and not (fx / "scenario").exists()))
    if twins:
        yield "mc"


def scratch(fx: Path, form: str, tmp: Path) -> Scratch:
    tmp.mkdir(parents=True)
    if (fx / "scenario").exists():
        targets, args, _exp, unprivileged = build_scenario(fx, tmp)
        root = Path(args[args.index("--root") + 1])
        if form == "mc":
            mail = root / "etc" / "mail"
            (mail / "sendmail.mc").write_text(twin((mail / "sendmail.cf").read_text())[0])
            (mail / "sendmail.cf").unlink()
        return Scratch(targets, args, root, tmp, unprivileged)
    if fx.is_dir():
        copy = tmp / fx.name
        shutil.copytree(fx, copy, symlinks=True)
        args, _exp = read_fixture(copy)
        root = Path(args[args.index("--root") + 1]) if "--root" in args else None
        return Scratch([str(copy)], args, root, tmp)
    args, _exp = read_fixture(fx)
    if form == "mc":
        mc = tmp / (fx.stem + ".mc")
        mc.write_text(twin(fx.read_text(errors="surrogateescape"))[0])
        return Scratch(["/" + mc.name], [*args, "--root", str(tmp)], tmp, tmp)
    copy = tmp / fx.name  # in a --root of its own: nothing of the host's /etc/mail counts
    shutil.copy(fx, copy)
    return Scratch(["/" + copy.name], [*args, "--root", str(tmp)], tmp, tmp)


# ------------------------------------------------------------------ reading a fix text

OPTION = re.compile(r"'O ([A-Za-z][\w.]*)=([^']*)'")
DEFINE = re.compile(r"define\(`(\w+)', `([^`']*)'\)dnl")
REMOVE_LINE = re.compile(r"^(?:Fix or )?(?:remove|delete) (?:this|the)(?: [\w.]+)? line\b"
                         r"(?:.*?\bthen: (.*))?", re.I)
REMOVE_WORD = re.compile(r"^Remove (\S+) from the ([\w.]+) line\b")
LEAD = re.compile(r"^[A-Z][^:']*: ")


def plan(fix: str) -> list:
    """The steps [(kind, details)] the fix text asks for; [] when it is work by hand."""
    text = fix.split("\n")[0]
    m = REMOVE_WORD.match(text)
    if m:
        return [("remove", ("word", m.group(1)))]
    m = REMOVE_LINE.match(text)
    if m:
        return [("remove", ("line", m.group(1) and re.split(r"\s\(", m.group(1))[0]))]
    body = LEAD.sub("", text, count=1)
    words = body.split()
    if words and words[0] in SHELL and (words[0] != "openssl" or words[1:2] == ["rehash"]):
        cmds = re.split(r"\s\(|; ", body, maxsplit=1)[0]
        rest = body[len(cmds):]
        return [("shell", cmds)] + option_step(rest)
    if re.search(r"e\.g\. '", text):  # an example value: the admin chooses
        return []
    return option_step(text)


def option_step(text: str) -> list:
    """An option step per quoted option line (the first of alternatives joined by "or"),
    each with the config an "in PATH:" before it names (else the finding's own)."""
    steps = []
    for part in re.split(r";\s+and\s+", text):
        o, d = OPTION.search(part), DEFINE.search(part)
        if o or d:
            where = re.search(r"\b[Ii]n (/\S+):", part[:(o or d).start()])
            steps.append(("option", (text.startswith("Write"), o and o.groups(),
                                      d and d.groups(), where and where.group(1))))
    return steps


# ------------------------------------------------------------------ applying it


def run_shell(sc: Scratch, line: str) -> None:
    cwd = sc.path("/") if sc.root else sc.box
    for cmd in (c.strip() for c in line.split("&&")):
        if re.fullmatch(r"echo '[^']*' >> \S+", cmd):
            text, dst = re.fullmatch(r"echo '([^']*)' >> (\S+)", cmd).groups()
            with open(sc.follow(sc.path(dst, cwd)), "a") as fh:
                fh.write(text + "\n")
            continue
        m = re.fullmatch(r"makemap hash (\S+) < (\S+)", cmd)
        if m:
            with open(sc.follow(sc.path(m.group(2), cwd)), "rb") as src:
                subprocess.run(["makemap", "hash", str(sc.path(m.group(1), cwd))], stdin=src,
                               check=True, capture_output=True)
            continue
        w = shlex.split(cmd)
        if not w or w[0] not in SHELL or any(c in cmd for c in "$`|;<>*?"):
            raise NotMechanical(f"not a whitelisted command: {cmd!r}")
        if w[0] == "cd" and len(w) == 2:
            cwd = sc.follow(sc.path(w[1], cwd))
        elif w[0] == "chmod" and len(w) == 3:
            chmod(sc.follow(sc.path(w[2], cwd)), w[1])
        elif w[0] in ("chown", "chgrp") and len(w) == 3:
            target = sc.follow(sc.path(w[2], cwd))
            user, _, group = w[1].partition(":") if w[0] == "chown" else ("", "", w[1])
            os.chown(target, ids(sc, "passwd", user), ids(sc, "group", group))
        elif w[:2] == ["ln", "-s"] and len(w) == 4:
            os.symlink(w[2], sc.path(w[3], cwd))
        elif w[0] == "rm" and len(w) >= 2:
            for a in w[1:]:
                sc.path(a, cwd).unlink()
        elif w[0] == "mv" and len(w) == 3:
            os.replace(sc.path(w[1], cwd), sc.path(w[2], cwd))
        elif w[0] == "cp" and len(w) == 3 + ("--remove-destination" in w):
            src, dst = sc.follow(sc.path(w[-2], cwd)), sc.path(w[-1], cwd)
            if "--remove-destination" in w and (dst.exists() or dst.is_symlink()):
                dst.unlink()
            shutil.copy2(src, dst)
        elif w[:2] == ["mkdir", "-p"] and len(w) == 3:
            sc.path(w[2], cwd).mkdir(parents=True, exist_ok=True)
        elif w[:2] == ["openssl", "rehash"] and len(w) == 3:
            subprocess.run(["openssl", "rehash", str(sc.follow(sc.path(w[2], cwd)))],
                           check=True, capture_output=True)
        else:
            raise NotMechanical(f"not a whitelisted command: {cmd!r}")


def chmod(path: Path, mode: str) -> None:
    if re.fullmatch(r"[0-7]{3,4}", mode):
        os.chmod(path, int(mode, 8))
        return
    m = re.fullmatch(r"([ugoa]*)([-+=])([rwx]+)", mode)
    if not m:
        raise NotMechanical(f"chmod mode {mode!r}")
    who, op, perms = m.group(1) or "a", m.group(2), m.group(3)
    shift = {"u": 6, "g": 3, "o": 0}
    bits = sum({"r": 4, "w": 2, "x": 1}[p] << shift[w] for w in who.replace("a", "ugo")
               for p in perms)
    cur = path.stat().st_mode & 0o7777
    os.chmod(path, cur | bits if op == "+" else cur & ~bits if op == "-" else bits)


def ids(sc: Scratch, db: str, name: str) -> int:
    if not name:
        return -1
    base = sc.root or sc.box
    for line in (base / "etc" / db).read_text().splitlines():
        f = line.split(":")
        if f[0] == name:
            return int(f[2])
    raise NotMechanical(f"{name} is not in the scratch tree's etc/{db}")


def edit_config(sc: Scratch, finding: dict, kind: str, details) -> None:
    target = details[3] if kind == "option" and details[3] else finding["path"]
    path = sc.path(target)
    if not path.exists() and path.with_suffix(".mc").exists():  # the .mc form
        path = path.with_suffix(".mc")
    if target != finding["path"]:
        finding = {**finding, "line": None}  # a line elsewhere is no line of this file
    lines = path.read_text(errors="surrogateescape").split("\n")
    at = (finding["line"] or 0) - 1
    mc = path.suffix == ".mc"
    if kind == "remove":
        how, arg = details
        if not 0 <= at < len(lines):
            raise NotMechanical("the finding points at no line to remove")
        if how == "line":
            del lines[at]
        else:
            new = re.sub(rf"(?<![\w.])[-+]?{re.escape(arg)}(?![\w.])\s*[ ,]?\s*", "",
                         lines[at], count=1)
            if new == lines[at]:
                raise NotMechanical(f"{arg} is not on line {at + 1}")
            lines[at] = re.sub(r"[ ,]+('\)dnl)?$", r"\1", new.replace("=,", "="))
        path.write_text("\n".join(lines), errors="surrogateescape")
        if how == "line" and arg:
            run_shell(sc, arg)
        return
    write, opt, define, _in = details
    if mc:
        if define is None and opt is not None:
            if macro_for_option(opt[0]):
                raise NotMechanical(f"the fix gives no .mc define for {opt[0]}")
            set_local(lines, opt, at if write else None)
        else:
            set_define(lines, define, opt, at, write)
    else:
        if opt is None:
            raise NotMechanical("the fix gives no .cf option line")
        name, value = opt
        same = [i for i, t in enumerate(lines) if option_name(t).lower() == name.lower()]
        if write:
            same = [at] + [i for i in same if i != at]
        text = f"O {name}={value}"
        for i in same:
            if i != at:  # a line the finding is not about: the fix keeps what it had
                keeps(lines[i].split("=", 1)[1], value, name)
        if same:
            lines[same[0]] = text
            for i in sorted(same[1:], reverse=True):
                del lines[i]
        else:
            lines.insert(len(lines) - (lines[-1] == ""), text)
    path.write_text("\n".join(lines), errors="surrogateescape")


def option_name(line: str) -> str:
    m = re.match(r"O ?([A-Za-z][\w.]*)\s*=", line)
    return m.group(1) if m else ""


def set_define(lines, define, opt, at, write):
    macro, value = define
    if opt is not None and macro_for_option(opt[0]) != macro:
        raise NotMechanical(f"the .mc define {macro} does not set {opt[0]}")
    drop = {i for i, t in enumerate(lines) if t.startswith(f"define(`{macro}'")
            or (opt and option_name(t).lower() == opt[0].lower())}
    for i in drop - {at}:
        old = DEFINE.search(lines[i])
        keeps(old.group(2) if old else lines[i].split("=", 1)[1], value, macro)
    if write:
        drop.add(at)
    for i in sorted(drop, reverse=True):
        del lines[i]
    where = next((i for i, t in enumerate(lines) if t.startswith(("MAILER(", "LOCAL_CONFIG"))),
                 len(lines))
    lines.insert(where, f"define(`{macro}', `{value}')dnl")


def keeps(old: str, new: str, name: str) -> None:
    """A fix that rewrites an option the finding is not about keeps its other values."""
    split = lambda v: {w for w in re.split(r"[\s,:]+", v.strip()) if w}  # noqa: E731
    lost = split(old) - split(new)
    if lost:
        raise WrongFix(f"the fix drops {', '.join(sorted(lost))} from {name}")


def set_local(lines, opt, at):
    name, value = opt
    drop = {i for i, t in enumerate(lines) if option_name(t).lower() == name.lower()}
    if at is not None:
        drop.add(at)
    for i in sorted(drop, reverse=True):
        del lines[i]
    if "LOCAL_CONFIG" not in lines:
        lines.append("LOCAL_CONFIG")
    lines.insert(lines.index("LOCAL_CONFIG") + 1, f"O {name}={value}")


def apply(sc: Scratch, finding: dict, kind: str, details) -> None:
    if kind == "shell":
        run_shell(sc, details)
    else:
        edit_config(sc, finding, kind, details)


# ------------------------------------------------------------------ the tests

def key(f):
    return f["code"], f["anchor"] or f"{Path(f['path']).name}:{f['line']}"


def bad_fixtures(code):
    d = RULES_DIR / code
    return sorted(p for p in d.iterdir() if p.name.startswith("bad_")) if d.is_dir() else []


@pytest.mark.parametrize("code", sorted(META))
def test_fix_applies_and_the_finding_goes(code, tmp_path):
    meta = META[code]
    assert meta.fix_kind and set(meta.fix_kind) <= set(FIX_KINDS), \
        f"{code}: RuleMeta.fix_kind is not set (one or more of {FIX_KINDS})"
    if meta.inputs != "config":  # a probe or a log is observed again after a restart
        assert meta.fix_kind == ("manual",), f"{code} reads {meta.inputs}: its fix is manual"
        return
    used, problems = set(), []
    for fx in bad_fixtures(code):
        for form in forms(code, fx):
            # every copy is made at the same place: the paths a fix names are valid in each
            work, out = tmp_path / "work", tmp_path / "out"
            out.mkdir(exist_ok=True)
            shutil.rmtree(work, ignore_errors=True)
            before = scratch(fx, form, work).lint(out, code)
            mine = [f for f in before if f["code"] == code]
            assert mine, f"{fx.name} ({form}) raises no {code}"
            seen = {key(f) + (f["level"],) for f in before}
            for i, f in enumerate(mine):
                where = f"{fx.name} ({form}) {Path(f['path']).name}:{f['line']}: {f['fix']!r}"
                steps = plan(f["fix"])
                kinds = {k for k, _ in steps} or {"manual"}
                used |= kinds
                if not kinds <= set(meta.fix_kind):
                    what = "a " + "+".join(sorted(kinds)) if steps else "not mechanical"
                    problems.append(f"{where}: {what} fix; {code}'s fix_kind says "
                                    f"{meta.fix_kind}")
                    continue
                if not steps:
                    continue
                shutil.rmtree(work)
                sc = scratch(fx, form, work)
                try:
                    for kind, details in steps:
                        apply(sc, f, kind, details)
                except WrongFix as e:
                    problems.append(f"{where}: wrong: {e}")
                    continue
                except (NotMechanical, OSError, subprocess.CalledProcessError) as e:
                    problems.append(f"{where}: cannot be applied: {e}")
                    continue
                after = sc.lint(out, code)
                if any(key(g) == key(f) for g in after):
                    problems.append(f"{where}: the finding is still there")
                for g in after:
                    if (g["level"] in ("error", "warning") and key(g) + (g["level"],) not in seen
                            and (code, g["code"]) not in NEXT_STEP):
                        problems.append(f"{where}: new {g['level']} {g['code']} "
                                        f"{Path(g['path']).name}:{g['line']} {g['message']}")
    assert not problems, "\n".join(problems)
    mechanical = set(meta.fix_kind) - {"manual"}
    assert mechanical <= used, f"{code} declares {mechanical - used}; no fixture's fix is so"


MANUAL = sorted(c for c, m in META.items() if "manual" in m.fix_kind)


@pytest.mark.parametrize("code", MANUAL)
def test_manual_fix_says_why(code):
    """The rules whose fixes (some or all) a person applies, each with its reason."""
    reason = META[code].fix_manual
    assert reason.strip() and len(reason) < 120, f"{code}: fix_manual must say why, briefly"


def test_only_manual_rules_give_a_reason():
    assert [c for c, m in META.items() if m.fix_manual and "manual" not in m.fix_kind] == []
    assert len(MANUAL) < len(META)

"""What the file-safety rules share: sendmail's safefile() verdict for every TLS file and
identity that reads it, how a verdict is worded, and the SafefileRule mixin of the rules
that report them."""
from __future__ import annotations

import posixpath
import stat as st
from typing import NamedTuple

from cflint.api import Location

from ..support.options import option_fix
from ..support.pki import starttls_side

SAFEFILE = "sendmail libsmutil/safefile.c safefile(); sendmail-tls reference §3"
MSP_README = "sendmail cf/README, section 'MSP'; RELEASE_NOTES 8.12.0"
FILE_OPTIONS = ("ServerCertFile", "ServerKeyFile", "ClientCertFile", "ClientKeyFile",
                "CACertFile", "DHParameters", "CRLFile")


class Verdict(NamedTuple):
    ref: object          # TlsRef
    who: object          # Identity
    unsafe: object       # Unsafe


def is_key(ref) -> bool:
    return ref.option in ("ServerKeyFile", "ClientKeyFile")


def checked_refs(model):
    """The TLS files whose modes and owners mean something here (not tracked by git,
    not --check-permissions never)."""
    return [r for r in model.files.tls() if r.option in FILE_OPTIONS and
            model.deployment.permissions_skipped(r.path) is None]


def verdicts(model) -> list[Verdict]:
    def build():
        from cflint.sendmail.safefile import safefile

        out = []
        groups = model.accounts.groups_db()
        for ref in checked_refs(model):
            cfg = ref.config
            flags = model.safety.flags(cfg)
            for who in model.safety.identities(cfg):
                bad = safefile(model.fs, ref.path, who, flags, is_key(ref), groups)
                if bad is not None:
                    out.append(Verdict(ref, who, bad))
        return out

    return model.memo("safefile-verdicts", build)


def side(ref) -> str:
    return "server" if ref.role in ("server", "ca-server", "dh") else "client"


def impacts_for(ref, extra=()):
    """A safety failure's consequence by the file's role (reference §3.1)."""
    if ref.role in ("server", "ca-server"):
        base = ("starttls-off",)
    elif ref.role == "client":
        base = ("client-tls-degraded",)
    elif ref.role == "dh":
        base = ("weak-crypto",)
    elif ref.role == "ca-client":
        base = ("hygiene",)   # the client loads CACertFile anyway
    elif ref.role == "crl":
        base = ("verify-fails",)  # CRLFile: advisory, loaded anyway; RULES: verify-fails
    else:
        base = ("hygiene",)
    return tuple(dict.fromkeys(base + tuple(extra)))


def consequence(ref) -> str:
    if ref.role in ("server", "ca-server"):
        return "sendmail does not offer STARTTLS" + (
            " (the second pair's names must be safe too: init=0)" if ref.pair == 2 else "")
    if ref.role == "client":
        return ("the MSP sends no client certificate; nothing stops, only the log says so"
                if ref.config.role == "msp" else "sendmail relays without a client certificate")
    if ref.role == "dh":
        return "sendmail falls back to its default DH group"
    return "sendmail logs it and loads the file anyway"


def log_text(v: Verdict) -> str:
    """What sendmail logs: the TLS file's name, whichever component failed."""
    return f"STARTTLS={starttls_side(v.ref)}: file {v.ref.path} unsafe: {v.unsafe.reason}"


def group_by_problem(vs):
    """One finding per (file, reason): the identities it fails for, together."""
    out: dict[tuple, list[Verdict]] = {}
    for v in vs:
        out.setdefault((id(v.ref.config), v.ref.option, v.ref.path, v.ref.pair,
                        v.unsafe.reason, v.unsafe.path), []).append(v)
    return list(out.values())


def who_text(model, vs) -> str:
    fails = [v.who.label for v in vs]
    all_ids = [w.label for w in model.safety.identities(vs[0].ref.config)]
    passes = [w for w in all_ids if w not in fails]
    text = "for " + " and ".join(fails)
    if passes:
        text += f" (it passes for {' and '.join(passes)})"
    return text


def where(model, ref):
    return (Location(ref.config.path, ref.line, ref.column),
            (Location(model.display.show_file(ref.path), 1, note=f"the {ref.option} file"),))


def mode_evidence(model, u) -> dict:
    ev = {"path": u.path}
    if u.mode is not None:
        ev["mode"] = f"{u.mode:04o}"
    if u.uid is not None:
        ev["owner"] = f"{model.accounts.user_name(u.uid)}:{model.accounts.group_name(u.gid)}"
    return ev


class SafefileRule:
    """The rules that report safefile() verdicts: ``kinds`` (the verdicts' kinds a rule
    reports), ``configs`` (the config roles it judges) and ``keys_only`` select them; one
    finding per file and reason. A mixin, not a rule: ``class X(SafefileRule, Rule)``."""

    kinds: tuple[str, ...] = ()
    configs: tuple[str, ...] = ("mta", "msp")
    keys_only: bool = False

    def select(self, model, v: Verdict) -> bool:
        return (v.unsafe.kind in self.kinds and v.ref.config.role in self.configs and
                (not self.keys_only or is_key(v.ref)))

    def fix(self, model, v: Verdict) -> str:  # pragma: no cover - every rule overrides
        raise NotImplementedError

    def check(self, model):
        for vs in group_by_problem(x for x in verdicts(model) if self.select(model, x)):
            yield self.report(model, vs)

    def report(self, model, vs, also=()):
        """One finding for the verdicts ``vs`` (one file, one reason); ``also``: more
        files refused for the same reason (a shared directory)."""
        v = vs[0]
        ref, u = v.ref, v.unsafe
        loc, rel = where(model, ref)
        files = [ref.path] + [a.ref.path for a in also if a.ref.path != ref.path]
        what = (f"the directory {u.path} on the path to {', '.join(dict.fromkeys(files))}"
                if u.kind.startswith("dir") else f"{ref.option} {ref.path}")
        mode = f" (mode {u.mode:04o}, owner {model.accounts.user_name(u.uid)}:" \
               f"{model.accounts.group_name(u.gid)})" if u.mode is not None else ""
        imps = impacts_for(ref, self.extra_impacts(ref))
        for a in also:
            imps = tuple(dict.fromkeys(imps + impacts_for(a.ref, self.extra_impacts(a.ref))))
        extra_rel = tuple(Location(model.display.show_file(a.ref.path), 1, note=f"the {a.ref.option} file")
                          for a in also if a.ref.path != ref.path)
        return self.finding(
            loc, f"{what}{mode} is refused {who_text(model, vs)}: sendmail logs "
            f"\"{log_text(v)}\" and {consequence(ref)}.",
            level=self.meta.level if set(imps) - {"hygiene"} else "warning",
            impacts=imps, fix=self.fix(model, v), related=rel + extra_rel,
            anchor=f"{self.meta.code}:{ref.option}:{ref.path}:{u.path}",
            evidence=mode_evidence(model, u))

    def extra_impacts(self, ref):
        return ()


def msp_shares(model, ref) -> bool:
    """The MTA key is also the key submit.cf names."""
    if model.msp is None:
        return False
    return any(r.path == ref.path for r in model.files.tls(model.msp)
               if r.option == "ClientKeyFile")


def dbs_line(model, cfg) -> str:
    """GroupReadableKeyFile added to the DontBlameSendmail words the config has."""
    words = [w.strip() for s in cfg.all("DontBlameSendmail") for w in s.value.split(",")
             if w.strip()]
    return option_fix("DontBlameSendmail", ",".join([*words, "GroupReadableKeyFile"]))


def link_end(fs, path: str) -> str | None:
    """The file a chain of symbolic links ends at, or None (broken, a loop)."""
    for _ in range(40):
        try:
            if not st.S_ISLNK(fs.lstat(path).st_mode):
                return path
            target = fs.readlink(path)
        except OSError:
            return None
        path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return None


def msp_key_refs(model):
    if model.msp is None:
        return []
    return [r for r in model.files.tls(model.msp) if r.option == "ClientKeyFile"]


def loc_of(cfg, s):
    return Location(cfg.path, s.line, s.opt.value_column)

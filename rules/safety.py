"""File safety (CF5xx), the MSP recipe (CF6xx) and CF011: sendmail's safefile() rules for
every TLS file, judged for every identity that reads it."""
from __future__ import annotations

import posixpath
import stat as st
from dataclasses import dataclass

from cflint.api import Location, Rule, RuleMeta
from cflint.model import NEVER

from cflint.sendmail.safefile import link_target_dir_writable, safefile

from .support.options import option_fix
from .support.pki import starttls_side

SAFEFILE = "sendmail libsmutil/safefile.c safefile(); sendmail-tls reference §3"
MSP_README = "sendmail cf/README, section 'MSP'; RELEASE_NOTES 8.12.0"
FILE_OPTIONS = ("ServerCertFile", "ServerKeyFile", "ClientCertFile", "ClientKeyFile",
                "CACertFile", "DHParameters", "CRLFile")


@dataclass(frozen=True)
class Verdict:
    ref: object          # TlsRef
    who: object          # Identity
    unsafe: object       # Unsafe


def is_key(ref) -> bool:
    return ref.option in ("ServerKeyFile", "ClientKeyFile")


def checked_refs(model):
    """The TLS files whose modes and owners mean something here (not tracked by git,
    not --check-permissions never)."""
    return [r for r in model.tls_files() if r.option in FILE_OPTIONS and
            model.permissions_skipped(r.path) is None]


def verdicts(model) -> list[Verdict]:
    def build():
        out = []
        groups = model.groups_db()
        for ref in checked_refs(model):
            cfg = ref.config
            flags = model.safety_flags(cfg)
            for who in model.identities(cfg):
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
    all_ids = [w.label for w in model.identities(vs[0].ref.config)]
    passes = [w for w in all_ids if w not in fails]
    text = "for " + " and ".join(fails)
    if passes:
        text += f" (it passes for {' and '.join(passes)})"
    return text


def where(model, ref):
    return (Location(ref.config.path, ref.line, ref.column),
            (Location(model.show_file(ref.path), 1, note=f"the {ref.option} file"),))


def mode_evidence(model, u) -> dict:
    ev = {"path": u.path}
    if u.mode is not None:
        ev["mode"] = f"{u.mode:04o}"
    if u.uid is not None:
        ev["owner"] = f"{model.user_name(u.uid)}:{model.group_name(u.gid)}"
    return ev


class _SafetyRule(Rule):
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
        mode = f" (mode {u.mode:04o}, owner {model.user_name(u.uid)}:" \
               f"{model.group_name(u.gid)})" if u.mode is not None else ""
        imps = impacts_for(ref, self.extra_impacts(ref))
        for a in also:
            imps = tuple(dict.fromkeys(imps + impacts_for(a.ref, self.extra_impacts(a.ref))))
        extra_rel = tuple(Location(model.show_file(a.ref.path), 1, note=f"the {a.ref.option} file")
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


def _msp_shares(model, ref) -> bool:
    """The MTA key is also the key submit.cf names."""
    if model.msp is None:
        return False
    return any(r.path == ref.path for r in model.tls_files(model.msp)
               if r.option == "ClientKeyFile")


def _dbs_line(model, cfg) -> str:
    """GroupReadableKeyFile added to the DontBlameSendmail words the config has."""
    words = [w.strip() for s in cfg.all("DontBlameSendmail") for w in s.value.split(",")
             if w.strip()]
    return option_fix("DontBlameSendmail", ",".join([*words, "GroupReadableKeyFile"]))


def _link_end(fs, path: str) -> str | None:
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


class KeyGroupReadable(_SafetyRule):
    kinds = ("key-group-readable",)
    configs = ("mta",)

    def report(self, model, vs, also=()):
        f = super().report(model, vs, also)
        u = vs[0].unsafe
        if u.mode is not None and u.mode & 0o004:  # 0644: everyone can read it, too
            from dataclasses import replace

            f = replace(f, impacts=tuple(dict.fromkeys(f.impacts + ("secret-exposed",))),
                        message=f.message + " The key is world-readable as well: every "
                        "local user can read it.")
        return f
    meta = RuleMeta(
        code="CF501", name="key-group-readable", level="error", impacts=("starttls-off",),
        summary="A group-readable key while DontBlameSendmail lacks GroupReadableKeyFile",
        rationale=(
            "sendmail refuses a key with the group-read bit unless that config's "
            "DontBlameSendmail has GroupReadableKeyFile (\"unsafe: Group readable file\"), "
            "and the server then does not offer STARTTLS. Debian's root:smmsp 0640 key, "
            "shared with the MSP, needs the flag in sendmail.cf too."),
        fix="chmod 600 the key (when only the MTA reads it), or add GroupReadableKeyFile to "
            "DontBlameSendmail (when the MSP shares it).",
        references=(SAFEFILE, MSP_README),
        bad_example="-rw-r----- root smmsp server.key, no GroupReadableKeyFile",
        good_example="-rw------- root root server.key",
        fix_kind=('shell', 'option'),
    )

    def fix(self, model, v):
        if _msp_shares(model, v.ref):
            return _dbs_line(model, v.ref.config) + " (the MSP shares this key)"
        return f"chmod 600 {v.ref.path}"


class KeyWorldReadable(_SafetyRule):
    kinds = ("key-world-readable",)
    meta = RuleMeta(
        code="CF502", name="key-world-readable", level="error",
        impacts=("starttls-off", "secret-exposed"),
        summary="A world-readable private key",
        rationale=(
            "Every local user can read the key, and no DontBlameSendmail word lets sendmail "
            "use it: \"unsafe: World readable file\" (mode 0604 or 0644; 0640 with "
            "GroupReadableKeyFile unset reads \"Group readable file\" first)."),
        fix="chmod 600 the key (or 640 root:smmsp when the MSP shares it).",
        references=(SAFEFILE,),
        bad_example="-rw-r--r-- root root server.key",
        good_example="-rw------- root root server.key",
        fix_kind=('shell',),
    )

    def extra_impacts(self, ref):
        return ("secret-exposed",)

    def fix(self, model, v):
        if v.ref.config.role == "msp" or _msp_shares(model, v.ref):
            return f"chown root:smmsp {v.ref.path} && chmod 640 {v.ref.path}"
        return f"chmod 600 {v.ref.path}"


class TlsFileWritable(_SafetyRule):
    kinds = ("file-group-writable", "file-world-writable")
    meta = RuleMeta(
        code="CF503", name="tls-file-writable", level="error", impacts=("starttls-off",),
        summary="A certificate, key, CA, DH or CRL file that is group- or world-writable",
        rationale=(
            "No DontBlameSendmail word permits a writable TLS file: anyone with write access "
            "could replace it. sendmail logs \"unsafe: Group writable file\" (0664 and 0666 "
            "both read so) or \"World writable file\"."),
        fix="chmod go-w the file.",
        references=(SAFEFILE,),
        bad_example="-rw-rw-r-- root root server.crt",
        good_example="-rw-r--r-- root root server.crt",
        fix_kind=('shell',),
    )

    def fix(self, model, v):
        return f"chmod go-w {v.ref.path}"


class UnsafeDirectoryPath(_SafetyRule):
    kinds = ("dir-group-writable", "dir-world-writable")
    meta = RuleMeta(
        code="CF504", name="unsafe-directory-path", level="error", impacts=("starttls-off",),
        summary="A group- or world-writable directory on the path to a TLS file",
        rationale=(
            "sendmail checks every directory from / down to the file's own: a group-writable "
            "one is refused unless GroupWritableDirPathSafe is set, a world-writable one "
            "always, unless it has the sticky bit and TrustStickyBit is set (\"unsafe: Group "
            "writable directory\", \"World writable directory\"). An ordinary user's MSP "
            "tolerates it (but then refuses links in it)."),
        fix="chmod go-w the directory.",
        references=(SAFEFILE,),
        bad_example="drwxrwxr-x root root /etc/mail/tls",
        good_example="drwxr-xr-x root root /etc/mail/tls",
        fix_kind=('shell',),
    )

    def fix(self, model, v):
        return f"chmod go-w {v.unsafe.path}"

    def check(self, model):
        groups: dict[tuple, list] = {}
        for vs in group_by_problem(x for x in verdicts(model) if self.select(model, x)):
            v = vs[0]
            key = (id(v.ref.config), v.unsafe.path, v.unsafe.reason,
                   tuple(x.who.label for x in vs))
            groups.setdefault(key, []).append(vs)
        for runs in groups.values():
            yield self.report(model, runs[0], also=[vs[0] for vs in runs[1:]])


class WrongOwner(_SafetyRule):
    kinds = ("read-bit", "owner", "symlink", "hardlink")
    meta = RuleMeta(
        code="CF505", name="wrong-owner", level="error", impacts=("starttls-off",),
        summary="Owner not allowed for the reading identity, or its read bit missing",
        rationale=(
            "The file must be owned by the identity that reads it (root, RunAsUser), root or "
            "TrustedUser (unless 8.18.1's CertOwner), and the read bit that applies to that "
            "identity must be set: for root the owner bit, else the owner, group or other "
            "bit as it matches. Otherwise \"Permission denied\". An ordinary user's MSP also "
            "refuses symbolic and hard links in a writable directory."),
        fix="chown/chmod as the message says.",
        references=(SAFEFILE,),
        bad_example="-rw------- mail mail server.key (MTA as root)",
        good_example="-rw------- root root server.key",
        fix_kind=('shell', 'manual'),
        fix_manual='a link that cannot be followed is replaced by hand',
    )

    def select(self, model, v):
        if not super().select(model, v):
            return False
        return not (v.ref.config.role == "msp" and is_key(v.ref))  # CF601

    def fix(self, model, v):
        u, ref = v.unsafe, v.ref
        who = v.who
        if u.kind == "symlink":
            end = _link_end(model.fs, ref.path)
            return (f"Replace the link by the file itself: cp --remove-destination {end} "
                    f"{ref.path}" if end else f"Replace the link {ref.path} by the file itself.")
        if u.kind == "hardlink":
            return (f"Give {ref.path} its own copy: cp {ref.path} {ref.path}.new && "
                    f"mv {ref.path}.new {ref.path}")
        if u.kind == "owner":
            owner = "root" if who.uid == 0 else model.user_name(who.uid)
            return f"chown {owner} {ref.path}"
        if who.uid == 0:
            return f"chmod u+r {ref.path}"
        if u.uid == who.uid:
            return f"chmod u+r {ref.path}"
        if is_key(ref):  # a group-readable key needs GroupReadableKeyFile: own it instead
            return f"chown {model.user_name(who.uid)} {ref.path} && chmod 600 {ref.path}"
        return f"chgrp {model.group_name(who.gid)} {ref.path} && chmod g+r {ref.path}"


class NotRegularFile(_SafetyRule):
    kinds = ("not-regular",)
    meta = RuleMeta(
        code="CF506", name="not-a-regular-file", level="error", impacts=("starttls-off",),
        summary="A directory, device, FIFO or socket where a TLS file is expected",
        rationale=("sendmail accepts only regular files for TLS files: \"unsafe: Regular "
                   "files only\" (observed with a directory)."),
        fix="Point the option at the regular file.",
        references=(SAFEFILE,),
        bad_example="O ServerKeyFile=/etc/mail/tls   # a directory",
        good_example="O ServerKeyFile=/etc/mail/tls/server.key",
        fix_kind=('manual',),
        fix_manual='only the admin knows which regular file the option should name',
    )

    def fix(self, model, v):
        return f"Point {v.ref.option} at a regular file; {v.ref.path} is not one."


class KeyOutsideSafeDirectory(Rule):
    meta = RuleMeta(
        code="CF507", name="key-outside-safe-directory", level="warning",
        impacts=("secret-exposed",),
        summary="A key reached through a symlink whose target lies in a writable directory",
        rationale=(
            "sendmail checks only the directory the option names, not where a symbolic link "
            "points: a key linked from a safe directory into a writable one passes, and "
            "anyone who can write there can swap the key."),
        fix="Move the key into a safe directory and point the option at it directly.",
        references=(SAFEFILE,),
        bad_example="/etc/mail/tls/server.key -> /tmp/server.key",
        good_example="/etc/mail/tls/server.key (a regular file)",
        fix_kind=('shell', 'manual'),
        fix_manual='a link that cannot be followed is replaced by hand',
    )

    def check(self, model):
        for ref in checked_refs(model):
            if not is_key(ref):
                continue
            flags = model.safety_flags(ref.config)
            bad = link_target_dir_writable(model.fs, ref.path, flags)
            if bad is None:
                continue
            loc, rel = where(model, ref)
            yield self.finding(
                loc, f"{ref.option} {ref.path} is a symbolic link into {bad}, a writable "
                "directory: sendmail accepts it (it checks only the link's own directory), "
                "but whoever can write there can replace the key.",
                fix=(f"Move the key: mv {end} {ref.path} && chmod 600 {ref.path}"
                     if (end := _link_end(model.fs, ref.path)) else
                     f"Move the key out of {bad} and name it directly in {ref.option}."),
                related=rel, anchor=f"CF507:{ref.path}", evidence={"path": ref.path,
                                                                  "writable_dir": bad})


class PermissionsNotChecked(Rule):
    meta = RuleMeta(
        code="CF011", name="permissions-not-checked", level="note", impacts=("hygiene",),
        summary="Mode and ownership rules skipped for files git tracks",
        rationale=(
            "git records neither owners nor most mode bits, so the modes of a file git "
            "checked out say nothing about the deployed file: rather than false findings, "
            "cflint skips the mode and owner rules for exactly the files the work tree's "
            "index lists, and says so once, naming them. Files git does not track (new, "
            "untracked or ignored: keys generated in place) have real modes and are "
            "checked, and so is a deployed system kept in git (etckeeper's /etc, with "
            ".etckeeper at the work-tree root, or any work tree at or below /etc). "
            "--check-permissions always checks every file; never checks none, without this "
            "note."),
        fix="Lint the deployed files (on the host, --root, or a tar archive) or pass "
            "--check-permissions always.",
        references=("git-scm: git records only the executable bit",
                    "git-scm: index-format (the index lists the tracked files)"),
        bad_example="cflint check ./mail   # server.key committed to the repository",
        good_example="cflint check /etc/mail",
        suppressible=False,
        fix_kind=('manual',),
        fix_manual="lint the deployed files: a checkout's modes say nothing",
    )

    def check(self, model):
        skipped: dict[str, list] = {}
        for ref in model.tls_files():
            if ref.option not in FILE_OPTIONS:
                continue
            why = model.permissions_skipped(ref.path)
            if why and why != NEVER:  # asked for: no note
                skipped.setdefault(why, []).append(ref)
        for why, refs in skipped.items():
            names = ", ".join(dict.fromkeys(r.path for r in refs))
            ref = refs[0]
            yield self.finding(
                Location(ref.config.path, ref.line, ref.column),
                f"mode and ownership rules (CF5xx, CF6xx) were skipped for {names}: {why}.",
                fix="Lint the deployed files, or pass --check-permissions always.",
                anchor=f"CF011:{why}")


# ------------------------------------------------------------------------- MSP


def msp_key_refs(model):
    if model.msp is None:
        return []
    return [r for r in model.tls_files(model.msp) if r.option == "ClientKeyFile"]


class MspKeyUnreadable(_SafetyRule):
    kinds = ("read-bit", "owner", "symlink", "hardlink")
    configs = ("msp",)
    keys_only = True
    meta = RuleMeta(
        code="CF601", name="msp-key-unreadable", level="error",
        impacts=("client-tls-degraded",),
        summary="The MSP cannot read the key submit.cf names",
        rationale=(
            "The MSP runs as smmsp when root submits (submit.cf's RunAsUser) and as the user "
            "with group smmsp when an ordinary user submits through the set-group-ID binary. "
            "The documented recipe works for both: key owned by root, group smmsp, mode 640 "
            "(or 440), and GroupReadableKeyFile in submit.cf. A root:root 0600 key is "
            "\"Permission denied\" for the MSP; an smmsp-owned 0600 key works only when root "
            "submits. The mail still goes out, without the client certificate."),
        fix="chown root:smmsp KEY && chmod 640 KEY, and GroupReadableKeyFile in submit.cf",
        references=(MSP_README, SAFEFILE),
        bad_example="-rw------- root root client.key, named in submit.cf",
        good_example="-rw-r----- root smmsp client.key, GroupReadableKeyFile in submit.cf",
        fix_kind=('shell', 'option'),
    )

    def fix(self, model, v):
        p = v.ref.path
        fix = f"chown root:smmsp {p} && chmod 640 {p}"
        for cfg in (v.ref.config, model.mta):  # the MTA too, when it names the same key
            if cfg is not None and not model.safety_flags(cfg).group_readable_keyfile and (
                    cfg is v.ref.config or any(r.path == p and is_key(r)
                                               for r in model.tls_files(cfg))):
                fix += f"; and in {cfg.path}: " + _dbs_line(model, cfg)
        return fix


class MspGroupReadableKeyFileMissing(_SafetyRule):
    kinds = ("key-group-readable",)
    configs = ("msp",)
    keys_only = True
    meta = RuleMeta(
        code="CF602", name="msp-groupreadablekeyfile-missing", level="error",
        impacts=("client-tls-degraded",),
        summary="The MSP's key is group-readable but submit.cf lacks GroupReadableKeyFile",
        rationale=(
            "The MSP judges files with submit.cf's own DontBlameSendmail: the flag only in "
            "sendmail.cf does not help it (observed: \"Group readable file\"). The MSP then "
            "sends no client certificate. The sendmail.cf side of the same key is CF501."),
        fix="Add GroupReadableKeyFile to submit.cf's DontBlameSendmail (submit.mc: "
            "define(`confDONT_BLAME_SENDMAIL', `GroupReadableKeyFile')dnl).",
        references=(MSP_README,),
        bad_example="submit.cf without DontBlameSendmail, key root:smmsp 0640",
        good_example="O DontBlameSendmail=GroupReadableKeyFile   (submit.cf)",
        fix_kind=('option',),
    )

    def fix(self, model, v):
        return f"In {v.ref.config.path}: " + _dbs_line(model, v.ref.config)


class KeysTooOpenWithoutMsp(Rule):
    meta = RuleMeta(
        code="CF603", name="keys-too-open-without-msp", level="warning",
        impacts=("secret-exposed",),
        summary="No submit.cf names a key, yet the MTA's keys are open to a group",
        rationale=(
            "The group-readable root:smmsp recipe exists for the MSP. When no submit.cf names "
            "a key, the keys are the MTA's alone: mode 600 (or 400), owned by the identity "
            "the MTA reads them as; a group bit, group smmsp or GroupReadableKeyFile only "
            "widens who can read them."),
        fix="chmod 600 KEY && chown root:root KEY (or the RunAsUser), and drop "
            "GroupReadableKeyFile.",
        references=(MSP_README,),
        bad_example="-rw-r----- root smmsp server.key, submit.cf names no key",
        good_example="-rw------- root root server.key",
        fix_kind=('shell',),
    )

    def check(self, model):
        if msp_key_refs(model) or model.mta is None:
            return
        for ref in checked_refs(model):
            if ref.config is not model.mta or not is_key(ref):
                continue
            try:
                s = model.fs.stat(ref.path)
            except OSError:
                continue
            if not st.S_ISREG(s.st_mode):
                continue  # CF506
            smmsp = model.group("smmsp")
            why = []
            if s.st_mode & st.S_IRGRP:
                why.append(f"mode {st.S_IMODE(s.st_mode):04o} is group-readable")
            if smmsp and s.st_gid == smmsp[0]:
                why.append("its group is smmsp")
            if not why:
                continue
            who = model.identities(model.mta)[0]
            owner = "root" if who.uid == 0 else model.user_name(who.uid)
            loc, rel = where(model, ref)
            yield self.finding(
                loc, f"no submit.cf names a key, yet {ref.path}'s " + " and ".join(why) +
                ": the key is the MTA's alone and needs no group access.",
                fix=f"chown {owner}:{'root' if who.uid == 0 else model.group_name(who.gid)} "
                    f"{ref.path} && chmod 600 {ref.path}",
                related=rel, anchor=f"CF603:{ref.path}")


class DontBlameTooBroad(Rule):
    meta = RuleMeta(
        code="CF604", name="dontblamesendmail-too-broad", level="warning",
        impacts=("secret-exposed",),
        summary="DontBlameSendmail relaxes TLS file safety beyond what the set-up needs",
        rationale=(
            "GroupReadableKeyFile with no group-readable key, GroupWritableDirPathSafe with "
            "no group-writable directory on a TLS file's path, and CertOwner when every TLS "
            "file already has an allowed owner only switch off checks that would catch the "
            "next mistake."),
        fix="Remove the word from DontBlameSendmail.",
        references=(SAFEFILE,),
        bad_example="O DontBlameSendmail=GroupReadableKeyFile   # keys are 0600",
        good_example="O DontBlameSendmail=TrustStickyBit",
        fix_kind=('remove',),
    )

    def check(self, model):
        from cflint.sendmail.safefile import Flags, dircheck

        for cfg in model.configs:
            refs = [r for r in checked_refs(model) if r.config is cfg]
            if not refs:
                continue
            flags = model.safety_flags(cfg)
            s = cfg.get("DontBlameSendmail")
            if s is None:
                continue
            line = loc_of(cfg, s)
            stats = {}
            for r in refs:
                try:
                    stats[r.path] = model.fs.stat(r.path)
                except OSError:
                    pass
            if flags.group_readable_keyfile:
                keys = [r for r in refs if is_key(r) and r.path in stats]
                if keys and not any(stats[r.path].st_mode & st.S_IRGRP for r in keys):
                    yield self.finding(line, "DontBlameSendmail has GroupReadableKeyFile, but no "
                                       f"key {cfg.path} names is group-readable: the flag "
                                       "only weakens the check.",
                                       fix="Remove GroupReadableKeyFile from the "
                                           "DontBlameSendmail line.",
                                       anchor="CF604:grkf")
            if flags.group_writable_dirpath_safe:
                strict = Flags(trust_sticky_bit=flags.trust_sticky_bit)
                needed = any(dircheck(model.fs, posixpath.dirname(r.path) or "/", strict, True)
                             for r in refs)
                if not needed:
                    yield self.finding(line, "DontBlameSendmail has GroupWritableDirPathSafe, but "
                                       "no TLS file lies below a group-writable directory: the "
                                       "flag only weakens the check.",
                                       fix="Remove GroupWritableDirPathSafe from the "
                                           "DontBlameSendmail line.", anchor="CF604:gwdps")
            if flags.cert_owner:
                allowed = {0} | {w.uid for w in model.identities(cfg)} | {
                    w.trusted_uid for w in model.identities(cfg)}
                if stats and all(x.st_uid in allowed for x in stats.values()):
                    yield self.finding(line, "DontBlameSendmail has CertOwner, but every TLS "
                                       "file already has an allowed owner: the flag only "
                                       "weakens the check.",
                                       fix="Remove CertOwner from the DontBlameSendmail line.",
                                       anchor="CF604:certowner")


def loc_of(cfg, s):
    return Location(cfg.path, s.line, s.opt.value_column)


class MspMtaDrift(Rule):
    meta = RuleMeta(
        code="CF605", name="msp-mta-tls-drift", level="note", impacts=("hygiene",),
        summary="submit.cf and sendmail.cf point at different CA files or certificates",
        rationale=(
            "Where one set of CA files and one client certificate is intended (the MSP "
            "submits to the local MTA, which relays), two sets drift apart: one gets renewed, "
            "the other expires."),
        fix="Point both configurations at the same files.",
        references=(MSP_README,),
        bad_example="sendmail.cf CACertFile=/etc/mail/tls/ca.crt, submit.cf "
                    "CACertFile=/etc/ssl/old-ca.pem",
        good_example="both name /etc/mail/tls/ca.crt",
        fix_kind=('option',),
    )

    def check(self, model):
        if model.mta is None or model.msp is None:
            return
        for opt in ("CACertFile", "CACertPath", "ClientCertFile"):
            a, b = model.mta.get(opt), model.msp.get(opt)
            if a is None or b is None or a.value.strip() == b.value.strip():
                continue
            yield self.finding(
                loc_of(model.msp, b), f"submit.cf's {opt} ({b.value}) differs from "
                f"sendmail.cf's ({a.value}); if one set is meant, they will drift apart.",
                fix=option_fix(opt, a.value.strip()) + f", as {model.mta.path}:{a.line} has",
                related=[loc_of(model.mta, a)], anchor=f"CF605:{opt}")

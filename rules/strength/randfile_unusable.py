"""CF109: RandFile ignored, or unusable on a build without /dev/urandom."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.options import OP_ME_TLS, loc


class RandFileUnusable(Rule):
    meta = RuleMeta(
        code="CF109", name="randfile-unusable", level="error",
        impacts=("starttls-off",),
        summary="RandFile ignored (note), or unusable on a build without /dev/urandom "
                "(TLS off)",
        rationale=(
            "Builds with /dev/urandom (HASURANDOMDEV: Linux, the BSDs, Solaris 9+) ignore "
            "RandFile. The HP-UX build has none: it needs RandFile 'file:/path' (a safe "
            "file of at least 128 bytes, less than 10 minutes old at start) or 'egd:/socket' "
            "(an EGD socket, not a device), else TLS is off as server and client, unless "
            "DontBlameSendmail=InsufficientEntropy."),
        fix="On HP-UX: O RandFile=egd:/var/run/egd-pool (a running EGD/PRNGD), or a fresh "
            "file: seed; elsewhere remove the option.",
        references=(OP_ME_TLS, "sendmail-tls reference §2.1, §7"),
        bad_example="O RandFile=egd:/dev/random     # --vendor hpux",
        good_example="O RandFile=egd:/var/run/egd-pool     # --vendor hpux",
        versions="8.13-8.18",
        fix_kind=('remove', 'manual'),
        fix_manual='HP-UX needs a running EGD/PRNGD socket or a fresh seed file',
    )

    def check(self, model):
        hpux = model.target.vendor == "hpux"
        for cfg in model.configs:
            s = cfg.get("RandFile")
            if not hpux:
                if s is not None:
                    yield self.finding(
                        loc(cfg, s.line, s.opt.value_column),
                        f"RandFile is ignored by {model.target.label}, which reads "
                        "/dev/urandom.", level="note", impacts=("hygiene",),
                        fix="Remove the RandFile line.", anchor="rand:ignored")
                continue
            if not cfg.has_any_tls():
                continue
            if "insufficiententropy" in model.safety.dont_blame(cfg):
                continue
            if s is None:
                yield self.finding(
                    loc(cfg, cfg.line_of("ServerCertFile"), None),
                    "RandFile is not set, and the HP-UX build has no /dev/urandom: TLS is "
                    "off as server and as client.",
                    fix="O RandFile=egd:/var/run/egd-pool (or file:/path to a fresh seed)",
                    anchor="rand:unset")
                continue
            v = s.value.strip()
            why = self._why(model, v)
            if why:
                yield self.finding(
                    loc(cfg, s.line, s.opt.value_column),
                    f"RandFile='{v}': {why}; without /dev/urandom the HP-UX build then "
                    "turns TLS off as server and as client.",
                    fix="O RandFile=egd:/var/run/egd-pool (a running EGD or PRNGD socket)",
                    anchor="rand:unusable")

    @staticmethod
    def _why(model, v: str) -> str | None:
        import stat as st_mod

        if v.startswith("egd:"):
            path = v[4:]
            f = model.files.at(path)
            st = f.stat()
            if st is None:
                return f"the EGD socket {path} does not exist"
            if st_mod.S_ISCHR(st.st_mode) or st_mod.S_ISBLK(st.st_mode):
                return f"{path} is a device, not an EGD socket"
            if not st_mod.S_ISSOCK(st.st_mode):
                return f"{path} is not a socket"
            return None
        if v.startswith("file:"):
            path = v[5:]
            f = model.files.at(path)
            st = f.stat()
            if st is None:
                return f"the seed file {path} does not exist"
            if not st_mod.S_ISREG(st.st_mode):
                return f"{path} is not a regular file"
            if st.st_mode & 0o044:
                return f"{path} is group- or world-readable (mode {st.st_mode & 0o777:o})"
            if st.st_size < 128:
                return f"{path} holds {st.st_size} bytes, under 128"
            age = model.now.timestamp() - st.st_mtime
            if age > 600:
                return (f"{path} is {age / 60:.0f} minutes old (it must be under 10 minutes at "
                        "start)")
            return None
        return "the value needs the prefix file: or egd:"

"""The safety view: who reads a config's TLS files (sendmail-tls reference §3.2, §3.4) and
the DontBlameSendmail words and other options that change how sendmail's safefile()
judges them."""
from __future__ import annotations

import re

from ..sendmail import options as optdata

ORDINARY_UID = 4242  # an ordinary user who owns none of the files


class Safety:
    """Per config: the identities sendmail reads its files as, the DontBlameSendmail words
    in effect for the target, and the safefile() flags they make."""

    def __init__(self, accounts, target, memo):
        self.accounts = accounts
        self.target = target
        self._memo = memo

    def identities(self, cfg) -> list:
        """The identities that read ``cfg``'s TLS files: the MTA (root, or RunAsUser);
        for submit.cf both ways the MSP runs: root submitting (with its RunAsUser) and an
        ordinary user through the set-group-ID smmsp binary."""
        from ..sendmail.safefile import Identity

        def build():
            t = self._trusted(cfg)
            ra = self._run_as(cfg)
            if cfg.role == "mta":
                if ra:
                    return [Identity(f"the MTA (RunAsUser={ra[3]})", ra[0], ra[1], ra[2], 0, t,
                                     "mta")]
                return [Identity("the MTA (root)", 0, 0, None, 0, t, "mta")]
            out = []
            if ra:
                out.append(Identity(f"the MSP when root submits (RunAsUser={ra[3]})", ra[0],
                                    ra[1], ra[2], 0, t, "msp-root"))
            else:
                out.append(Identity("the MSP when root submits", 0, 0, None, 0, t, "msp-root"))
            smmsp = self.accounts.group("smmsp")
            if smmsp is not None:
                ordinary = ORDINARY_UID
                out.append(Identity("the MSP when an ordinary user submits (set-group-ID "
                                    "smmsp)", ordinary, smmsp[0], None, ordinary, t,
                                    "msp-user"))
            return out

        return self._memo(("identities", id(cfg)), build)

    def _run_as(self, cfg) -> tuple[int, int, str | None, str] | None:
        """RunAsUser as (U, G, N, how it was written), or None when unset."""
        s = cfg.get("RunAsUser")
        if s is None or not s.value.strip():
            return None
        user, group = split_user(s.value)
        found = self.accounts.uid_of(user)
        if found is None:
            return None
        uid, gid = found
        name = user if not user[:1].isdigit() and not group else None
        if group:
            if group[:1].isdigit():
                gid = int(re.match(r"\d+", group).group(0))
            else:
                g = self.accounts.group(group)
                if g is None:
                    return None
                gid = g[0]
        return uid, gid, name, s.value.strip()

    def _trusted(self, cfg) -> int:
        s = cfg.get("TrustedUser")
        if s is None or not s.value.strip():
            return 0
        found = self.accounts.uid_of(s.value)
        return found[0] if found else 0

    def dont_blame(self, cfg) -> set[str]:
        """The DontBlameSendmail words in effect (lowercase): words are runs of letters and
        digits, lines add up, 'Safe' clears what came before; words the target does not
        know are left out (CF009/CF007 report them)."""
        known = {w.lower(): since for w, since in optdata.DONT_BLAME_WORDS.items()}
        words: set[str] = set()
        for s in cfg.all("DontBlameSendmail"):
            for w in re.findall(r"[A-Za-z0-9]+", s.value):
                w = w.lower()
                if known.get(w, (99,)) > self.target.version:
                    continue
                if w == "safe":
                    words.clear()
                else:
                    words.add(w)
        return words

    def flags(self, cfg):
        """The safefile() flags of ``cfg`` (DontBlameSendmail words, DontInitGroups)."""
        from ..sendmail.safefile import Flags

        words = self.dont_blame(cfg)
        return Flags(group_readable_keyfile="groupreadablekeyfile" in words,
                     group_writable_dirpath_safe="groupwritabledirpathsafe" in words,
                     trust_sticky_bit="truststickybit" in words,
                     cert_owner="certowner" in words and self.target.version >= (8, 18, 1),
                     dont_init_groups=_dont_init_groups(cfg))


def _dont_init_groups(cfg) -> bool:
    s = cfg.get("DontInitGroups")
    return bool(s) and (s.value == "" or s.value[:1] in "tTyY")


def split_user(value: str) -> tuple[str, str | None]:
    """RunAsUser/DefaultUser 'user[:group]' (':', '.' and '/' separate), as readcf.c
    splits it."""
    m = re.match(r"([^:./]*)(?:[:./](.*))?$", value.strip(), re.S)
    return (m.group(1), m.group(2)) if m else (value, None)

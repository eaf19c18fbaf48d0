"""CF013: the .cf beside an .mc does not match it."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.options import loc


class CfOutOfDate(Rule):
    meta = RuleMeta(
        code="CF013", name="cf-out-of-date", level="warning", impacts=("config-error",),
        summary="The .cf beside an .mc does not match it (an option value differs)",
        rationale=(
            "sendmail reads only the .cf; the .mc is what people edit and commit. When an "
            "option's value in the .cf differs from what m4 makes of the .mc, either someone "
            "edited the .cf by hand (the next rebuild silently undoes it) or the .mc was "
            "changed and the .cf not rebuilt (the running daemon does not have the change: "
            "a TLS fix made in the .mc is not in effect). cflint derives the .mc's options "
            "without running m4; with sendmail-cf readable it applies OSTYPE, DOMAIN and "
            "FEATURE files too and compares every option, otherwise the options the .mc "
            "sets itself."),
        fix="Rebuild the cf from the .mc (m4 sendmail.mc > sendmail.cf; on Debian "
            "'make -C /etc/mail' or 'sendmailconfig') and restart sendmail; a change made "
            "only in the .cf belongs in the .mc first.",
        references=("sendmail cf/README, 'Building a configuration file'",),
        bad_example=("sendmail.mc: define(`confLOG_LEVEL', `14')dnl\n"
                     "sendmail.cf: O LogLevel=9"),
        good_example=("sendmail.mc: define(`confLOG_LEVEL', `14')dnl\n"
                      "sendmail.cf: O LogLevel=14"),
        fix_kind=('manual',),
        fix_manual='rebuild the cf with m4 and restart sendmail',
    )

    def check(self, model):
        for cfg in model.configs:
            src = cfg.source
            if src is None:
                continue
            complete = bool(src.mc and src.mc.complete)
            cf_opts, mc_opts = _by_key(cfg), _by_key(src)
            keys = list(mc_opts) + [k for k in cf_opts if complete and k not in mc_opts]
            rebuild = _rebuild_command(src.path, cfg.path)
            for key in keys:
                want, have = mc_opts.get(key, []), cf_opts.get(key, [])
                accumulate = key.split(".", 1)[0].lower() == "daemonportoptions"
                if accumulate:
                    same = [o.value for o in want] == [o.value for o in have]
                else:
                    same = bool(want and have) and want[-1].value == have[-1].value
                if same:
                    continue
                name = (want or have)[-1]
                shown = "O " + name.name + (f".{name.sub}" if name.sub else "")
                if have and want:
                    what = (f"{cfg.path} has '{shown}={have[-1].value}' but {src.path} makes "
                            f"it '{shown}={want[-1].value}'")
                    if accumulate:
                        what = (f"{cfg.path} has {len(have)} {shown} line(s) that differ from "
                                f"the {len(want)} {src.path} makes")
                    where = loc(cfg, have[-1].line, have[-1].value_column)
                elif want:
                    what = (f"{src.path} sets '{shown}={want[-1].value}' but {cfg.path} has no "
                            "such line")
                    where = loc(src, want[-1].line, want[-1].value_column)
                else:
                    what = (f"{cfg.path} has '{shown}={have[-1].value}', which {src.path} "
                            "does not produce (edited by hand?)")
                    where = loc(cfg, have[-1].line, have[-1].column)
                yield self.finding(
                    where,
                    f"{what}: sendmail reads the .cf, so the running daemon does not do what "
                    "the .mc says, and the next rebuild replaces a hand edit.",
                    fix=f"Rebuild: {rebuild}, then restart sendmail (or move a deliberate .cf "
                        "edit into the .mc first).",
                    anchor=f"outofdate:{key.lower()}")


def _by_key(cfg) -> dict:
    from cflint.cf.parser import option_key

    out: dict = {}
    for o in cfg.doc.options:
        if o.form == "long":
            out.setdefault(option_key(o).lower(), []).append(o)
    return out


def _rebuild_command(mc: str, cf: str) -> str:
    import posixpath

    d = posixpath.dirname(mc) or "."
    if d == "/etc/mail" or d.endswith("/etc/mail"):
        return f"make -C {d} (or: m4 {mc} > {cf})"
    return f"m4 {mc} > {cf}"

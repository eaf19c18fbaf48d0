"""Framework rules (CF0xx): what sendmail's config reader rejects or reads otherwise."""
from __future__ import annotations

import difflib

from cflint.api import Location, Rule, RuleMeta
from cflint.model import (ABBREV, AMBIGUOUS, COMPILED_OUT, NOT_IN_TARGET, SHORT,
                          SHORT_UNKNOWN, UNKNOWN)
from cflint.sendmail import options as optdata
from cflint.sendmail.versions import fmt

from .support.options import SENDMAIL_DOCS, did_you_mean, dont_blame_words, loc, option_fix


class ParseError(Rule):
    meta = RuleMeta(
        code="CF001", name="parse-error", level="error", impacts=("daemon-fails",),
        summary="A line sendmail's config reader rejects",
        rationale=(
            "sendmail reads its configuration at every start and exits with status 70 "
            "(EX_CONFIG) on a line it cannot read, so the daemon does not start and no "
            "mail flows at all. Typical causes are an unknown line type (a lowercase 'o', "
            "an indented line with nothing to continue), 'O' followed by a TAB or two "
            "spaces, 'O =value' without a name, a bad V line, and an R line without its "
            "TAB or before any S line."),
        fix="Correct the line as the message says; run 'sendmail -bt -C FILE </dev/null' "
            "to see sendmail's own verdict.",
        references=(SENDMAIL_DOCS, "sendmail readcf.c readcf()"),
        bad_example="o ServerCertFile=/etc/mail/tls/server.crt",
        good_example="O ServerCertFile=/etc/mail/tls/server.crt",
        suppressible=False,
        fix_kind=("remove", "manual"),
        fix_manual="a missing local mailer is added by hand (MAILER(`local') in the .mc)",
    )

    def check(self, model):
        for cfg in model.all_configs():
            for p in cfg.problems:
                if p.kind != "syntax":
                    continue
                nomailer = p.sendmail == "No local mailer defined"
                yield self.finding(
                    loc(cfg, p.line, p.column),
                    f"{p.message}. sendmail says: \"{p.sendmail}\" and refuses the file.",
                    fix=("Add the local mailer: MAILER(`local')dnl in the .mc (it writes the "
                         "'Mlocal' line), rebuild, and check with 'sendmail -bt -C FILE "
                         "</dev/null'." if nomailer else
                         "Fix or remove this line, then rebuild (make -C /etc/mail) and "
                         "check with 'sendmail -bt -C FILE </dev/null'."),
                    anchor=f"line:{p.sendmail}")


class InputUnreadable(Rule):
    meta = RuleMeta(
        code="CF012", name="input-unreadable", level="error", impacts=("config-error",),
        summary="An input that cannot be read as what it claims",
        rationale=(
            "A configuration cflint cannot read is not linted; a gate must not turn green "
            "because of it. This covers files without read permission, FIFOs, sockets and "
            "devices where a configuration was expected (never opened, so cflint cannot "
            "hang), files over the size limit, and links that would leave --root."),
        fix="Give cflint a readable regular file (run it with the privileges needed, or "
            "copy the configuration out), or fix the link.",
        references=("cflint documentation: inputs",),
        bad_example="cflint check /run/fifo.cf    # a FIFO",
        good_example="cflint check /etc/mail/sendmail.cf",
        suppressible=False,
        fix_kind=('manual',),
        fix_manual='give cflint a readable regular file: a run with other privileges, or a copy',
    )

    def check(self, model):
        for p in model.input_problems:
            yield self.finding(Location(p.path, p.line or 1),
                               f"{p.message}: {p.consequence}.",
                               fix=self.meta.fix, anchor=f"input:{p.message}")


class UnknownOption(Rule):
    meta = RuleMeta(
        code="CF002", name="unknown-option", level="error", impacts=("daemon-fails",),
        summary="An option name the target sendmail does not know",
        rationale=(
            "An unknown option name is fatal: sendmail prints 'readcf: unknown option "
            "name X' and exits with status 70, so the daemon does not start. Typos, "
            "'UseTLS' (an HP-UX vendor option) and options compiled out of the build (DANE, "
            "FIPSMode, ClientCACertFile on Debian) all count."),
        fix="Correct the name (see the suggestion) or remove the line.",
        references=(SENDMAIL_DOCS, "sendmail readcf.c setoption()"),
        bad_example="O ServerCertFiel=/etc/mail/tls/server.crt",
        good_example="O ServerCertFile=/etc/mail/tls/server.crt",
        fix_kind=('remove',),
    )

    def check(self, model):
        for cfg in model.configs:
            names = [s.name for s in optdata.options_for(
                model.target.version, model.target.build_flags, model.target.vendor).values()]
            for s in cfg.settings:
                o = s.opt
                if s.status == UNKNOWN:
                    shown = o.name
                    if o.name.lower() == "usetls":
                        why = (" 'UseTLS' exists only in HP's sendmail 8.13.3 build for HP-UX; "
                               "upstream sendmail turns STARTTLS on through the certificate, key "
                               "and CA options. Use --vendor hpux if this file is for HP-UX.")
                    else:
                        why = did_you_mean(o.name, names)
                    yield self.finding(
                        loc(cfg, o.line, o.column),
                        f"unknown option name '{shown}' for {model.target.label}: sendmail "
                        f"says \"readcf: unknown option name {shown}\" and does not start."
                        + why,
                        fix="Remove the line or correct the option name.",
                        anchor=f"option:{o.name.lower()}")
                elif s.status == COMPILED_OUT:
                    yield self.finding(
                        loc(cfg, o.line, o.column),
                        f"option {s.spec.name} exists only in sendmail builds with "
                        f"{s.spec.build}, which the target ({model.target.label}, as Debian "
                        f"builds it) lacks: sendmail says \"readcf: unknown option name "
                        f"{o.name}\" and does not start.",
                        fix=f"Remove the {s.spec.name} line, or build sendmail with "
                            f"{s.spec.build}.",
                        anchor=f"option:{o.name.lower()}")
                elif s.status == SHORT_UNKNOWN and s.meant is None:
                    code = f"0x{ord(o.name):x}"
                    yield self.finding(
                        loc(cfg, o.line, o.column),
                        f"one-letter option '{o.name}' does not exist: sendmail says "
                        f"\"readcf: unknown option name {code}\" and does not start.",
                        fix="Use the long form with one space: 'O Name=value'.",
                        anchor=f"short:{o.name}")


class OneLetterTrap(Rule):
    meta = RuleMeta(
        code="CF003", name="one-letter-option-trap", level="error", impacts=("config-error",),
        summary="'OName=value' without a space is read as a one-letter option",
        rationale=(
            "Without a space after 'O', sendmail reads the next character as a one-letter "
            "option name: 'OServerCertFile=/x' silently sets StatusFile (S) to "
            "'erverCertFile=/x', and the TLS setting is lost without any message. Some "
            "letters do not exist ('ODHParameters=', 'ODontBlameSendmail='): then sendmail "
            "says 'unknown option name 0x44' and does not start."),
        fix="Insert one space after 'O': 'O ServerCertFile=/x'.",
        references=(SENDMAIL_DOCS, "sendmail readcf.c setoption()"),
        bad_example="OServerCertFile=/etc/mail/tls/server.crt",
        good_example="O ServerCertFile=/etc/mail/tls/server.crt",
        fix_kind=('option',),
    )

    def check(self, model):
        for cfg in model.configs:
            for s in cfg.settings:
                if s.opt.form != "short" or s.meant is None:
                    continue
                o = s.opt
                fixed = option_fix(s.meant.name, o.raw_rest.partition("=")[2], "Write")
                if s.status == SHORT_UNKNOWN:
                    yield self.finding(
                        loc(cfg, o.line, 2),
                        f"'O{o.raw_rest[:40]}' has no space after 'O', so sendmail reads "
                        f"'{o.name}' as a one-letter option, which does not exist: it says "
                        f"\"readcf: unknown option name 0x{ord(o.name):x}\" and does not start.",
                        impacts=("daemon-fails",), fix=fixed, anchor=f"trap:{s.meant.name}")
                else:
                    yield self.finding(
                        loc(cfg, o.line, 2),
                        f"'O{o.raw_rest[:40]}' has no space after 'O': sendmail silently sets "
                        f"the one-letter option {o.name} ({s.spec.name}) to '{o.value[:40]}', "
                        f"and {s.meant.name} is not set at all.",
                        fix=fixed, anchor=f"trap:{s.meant.name}")


class AbbreviatedOption(Rule):
    meta = RuleMeta(
        code="CF004", name="abbreviated-option", level="warning", impacts=("hygiene",),
        summary="An abbreviated option name (ambiguous ones are fatal)",
        rationale=(
            "sendmail accepts a unique prefix of an option name with the notice 'Option X "
            "used as abbreviation for Y'. It works until a later release adds an option "
            "with the same prefix; an ambiguous prefix is fatal today ('readcf: ambiguous "
            "option name CACert (matches CACertFile and CACertPath)')."),
        fix="Write the full option name.",
        references=(SENDMAIL_DOCS,),
        bad_example="O ServerCert=/etc/mail/tls/server.crt",
        good_example="O ServerCertFile=/etc/mail/tls/server.crt",
        fix_kind=('option',),
    )

    def check(self, model):
        for cfg in model.configs:
            for s in cfg.settings:
                o = s.opt
                if s.status == ABBREV and o.form == "long":
                    yield self.finding(
                        loc(cfg, o.line, o.column),
                        f"'{o.name}' is an abbreviation of {s.spec.name}: sendmail accepts it "
                        f"(\"Option {o.name} used as abbreviation for {s.spec.name}\"), but a "
                        "later option with the same prefix would make it ambiguous and fatal.",
                        fix=option_fix(s.spec.name, o.value, "Write"),
                        anchor=f"option:{o.name.lower()}")
                elif s.status == AMBIGUOUS:
                    c = s.candidates
                    matches = " and ".join(c) if len(c) <= 2 else ", ".join(c)
                    yield self.finding(
                        loc(cfg, o.line, o.column),
                        f"'{o.name}' is an ambiguous abbreviation: sendmail says \"readcf: "
                        f"ambiguous option name {o.name} (matches {matches})\" and does not "
                        "start.",
                        level="error", impacts=("daemon-fails",),
                        fix="Write the full name: " + "; or ".join(
                            option_fix(n, o.value, "").strip() for n in c[:3]),
                        anchor=f"option:{o.name.lower()}")


class DuplicateOption(Rule):
    meta = RuleMeta(
        code="CF005", name="duplicate-option", level="warning", impacts=("config-error",),
        summary="A last-wins option set more than once",
        rationale=(
            "For path, string, number and boolean options the last line wins, silently. "
            "A second ServerKeyFile line far below the first decides what sendmail loads; "
            "a bad one disables STARTTLS even though the first was right. Options that "
            "accumulate (DontBlameSendmail, TLSSrvOptions, the SSL options, "
            "DaemonPortOptions) are not reported."),
        fix="Keep one line per option.",
        references=(SENDMAIL_DOCS,),
        bad_example="O ServerKeyFile=/etc/mail/tls/a.key\nO ServerKeyFile=/etc/mail/tls/b.key",
        good_example="O ServerKeyFile=/etc/mail/tls/b.key",
        fix_kind=('remove',),
    )

    def check(self, model):
        for cfg in model.configs:
            groups: dict[tuple[str, str], list] = {}
            for s in cfg.applied():
                if s.spec.accumulate:
                    continue
                groups.setdefault(s.key, []).append(s)
            for key, lines in groups.items():
                if len(lines) < 2:
                    continue
                last = lines[-1]
                name = key[0] + (f".{key[1]}" if key[1] else "")
                for s in lines[:-1]:
                    yield self.finding(
                        loc(cfg, s.line, s.opt.column),
                        f"{name} is set again on line {last.line} ('{last.value[:60]}'); "
                        f"sendmail uses the last line, so this one ('{s.value[:60]}') has no "
                        "effect.",
                        fix=f"Delete this line or line {last.line}, keeping the value you mean.",
                        related=[Location(cfg.path, last.line, last.opt.column,
                                          note=f"the {name} line that takes effect")],
                        anchor=f"dup:{name}:{s.value}")


class NotInTargetVersion(Rule):
    meta = RuleMeta(
        code="CF007", name="not-in-target-version", level="error", impacts=("daemon-fails",),
        summary="An option, DontBlameSendmail word or SSL option the target version lacks",
        rationale=(
            "An option that exists, but only from a later release (CipherSuites 8.17.1, "
            "TLSFallbacktoClear 8.16.1, DontBlameSendmail=CertOwner 8.18.1), or was removed "
            "(AutoRebuildAliases), is unknown to the target and fatal: sendmail says "
            "'unknown option name' and does not start."),
        fix="Remove the setting, or upgrade sendmail to a release that has it.",
        references=(SENDMAIL_DOCS, "sendmail RELEASE_NOTES"),
        versions="8.13-8.18",
        bad_example="O DontBlameSendmail=CertOwner     # target 8.17",
        good_example="O DontBlameSendmail=GroupReadableKeyFile",
        fix_kind=('remove',),
    )

    def check(self, model):
        tv = model.target.version
        for cfg in model.all_configs():
            for s in cfg.settings:
                o = s.opt
                if s.status != NOT_IN_TARGET or cfg.set_by_mc_layers(s):
                    continue  # (sendmail-cf's own files follow its version, not the target)
                spec = s.spec
                if spec.until is not None and spec.until <= tv:
                    when = f"was removed in sendmail {fmt(spec.until)}"
                    fix = f"Remove the {spec.name} line."
                else:
                    when = f"exists only from sendmail {fmt(spec.since)}"
                    fix = (f"Remove the line, or upgrade to sendmail {fmt(spec.since)} or "
                           "later (and lint with --target-version).")
                if cfg.mc is not None and spec.macro:  # a define: m4 drops it
                    yield self.finding(
                        loc(cfg, o.line, o.column),
                        f"{spec.macro} sets {spec.name}, which {when}; the target's m4 "
                        f"macros ({model.target.label}) do not read it, so the define is "
                        "silently dropped.", impacts=("config-error",), fix=fix,
                        anchor=f"option:{o.name.lower()}")
                    continue
                yield self.finding(
                    loc(cfg, o.line, o.column),
                    f"option {spec.name} {when}; the target is {model.target.label}, which "
                    f"says \"readcf: unknown option name {o.name}\" and does not start.",
                    fix=fix, anchor=f"option:{o.name.lower()}")
            # DontBlameSendmail words from a later release
            for s, word, canon, status in dont_blame_words(cfg, model):
                if status != "later" or cfg.set_by_mc_layers(s):
                    continue
                since = optdata.DONT_BLAME_WORDS[canon]
                yield self.finding(
                    loc(cfg, s.line, s.opt.value_column),
                    f"DontBlameSendmail word {canon} exists only from sendmail {fmt(since)}; "
                    f"{model.target.label} says \"readcf: DontBlameSendmail option: {word} "
                    "unrecognized\" and does not start.",
                    fix=f"Remove {word} from the DontBlameSendmail line (or upgrade to "
                        f"{fmt(since)}).",
                    anchor=f"dbs:{canon}")


class UnknownMcDefine(Rule):
    meta = RuleMeta(
        code="CF006", name="unknown-mc-define", level="error", impacts=("config-error",),
        summary="define(`confXXX', ...) that no sendmail m4 macro reads",
        rationale=(
            "proto.m4 tests only the conf* names it knows, so a misspelt one does nothing: "
            "m4 drops it silently and the cf keeps the default (obs.: "
            "define(`confSERVER_CERTS', ...) leaves '#O ServerCertFile'). When the lost "
            "define was a required TLS option, STARTTLS is off as well."),
        fix="Correct the macro name (see the suggestion) and rebuild the cf.",
        references=("sendmail cf/README", "sendmail cf/m4/proto.m4"),
        bad_example="define(`confCA_CERT', `/etc/mail/tls/ca.crt')dnl",
        good_example="define(`confCACERT', `/etc/mail/tls/ca.crt')dnl",
        fix_kind=('option',),
    )

    def check(self, model):
        if all(cfg.mc is None for cfg in model.all_configs()):
            return  # no .mc: the .mc machinery is not even imported
        from cflint.mc.adapter import known_macros, macro_table

        table = macro_table()
        known = sorted(known_macros())
        required = {"ServerCertFile", "ServerKeyFile", "CACertFile", "CACertPath"}
        for cfg in model.all_configs():
            if cfg.mc is None:
                continue
            for d in cfg.mc.unknown_defines:
                hint = did_you_mean(d.name, known)
                meant = [n for n in difflib.get_close_matches(d.name, known, n=1, cutoff=0.72)]
                impacts = ("config-error",)
                if meant and table.get(meant[0]) in required and cfg.role == "mta":
                    impacts = ("config-error", "starttls-off")
                yield self.finding(
                    loc(cfg, d.name_line, d.name_column),
                    f"no sendmail m4 macro reads {d.name}: m4 drops the define silently and "
                    "the cf keeps the option's default." + hint,
                    impacts=impacts,
                    fix=(f"Write define(`{meant[0]}', `{d.value}')dnl" if meant else
                         "Correct or remove the define.") + " Then rebuild the cf.",
                    anchor=f"mcdefine:{d.name}")


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


class SuppressionProblem(Rule):
    meta = RuleMeta(
        code="CF010", name="suppression-problem", level="warning", impacts=("hygiene",),
        summary="An inline suppression without a reason, expired, naming an unknown code, "
                "or suppressing nothing",
        rationale=(
            "A suppression hides a finding from the gate, so it must say why, and it must "
            "not outlive its purpose: one without a reason or past its 'until' date does not "
            "suppress anything (the finding shows again), one naming an unknown rule is a "
            "typo, and one that suppresses nothing is stale (the problem was fixed, or the "
            "line moved). CF001, CF008 and CF012 cannot be suppressed: a config sendmail "
            "cannot read, or one cflint could not inspect, is never hidden."),
        fix="Give the reason after the codes (# cflint: ignore[CF501] the MSP reads this key), "
            "renew or remove an expired suppression, correct the code, or delete it.",
        references=("cflint documentation: suppressions",),
        bad_example="# cflint: ignore[CF501]\nO ServerKeyFile=/etc/mail/tls/server.key",
        good_example="# cflint: ignore[CF501] until 2027-03-01 key moves to the HSM in Q1\n"
                     "O ServerKeyFile=/etc/mail/tls/server.key",
        suppressible=False,
        fix_kind=('manual',),
        fix_manual='only the author knows why a finding was suppressed',
    )
    late = True  # runs after the suppressions were applied, to judge them

    def check(self, model):
        from cflint.suppress import names_rule

        metas = getattr(model, "rule_metas", {})
        selected = getattr(model, "selected_codes", set())
        today = model.now.date()
        for s in model.suppressions():
            where = Location(s.path, s.line, s.column)
            shown = f"cflint: ignore[{', '.join(s.codes)}]"
            known, unknown = [], []
            for c in s.codes:
                meta = next((m for m in metas.values() if names_rule(c, m)), None)
                (known if meta else unknown).append(meta.code if meta else c)
            problems = []
            if not s.codes:
                problems.append("names no rule")
            if unknown:
                problems.append(f"names unknown rule(s) {', '.join(unknown)}")
            refused = sorted(set(s.refused) | {c for c in known if not metas[c].suppressible})
            if refused:
                problems.append(f"cannot suppress {', '.join(refused)} (never "
                                "suppressible: the finding stays)")
            if s.bad_date:
                problems.append(f"has an invalid date '{s.bad_date}' (write until YYYY-MM-DD)")
            if not s.reason:
                problems.append("gives no reason, so it suppresses nothing")
            elif s.expired(today):
                problems.append(f"expired on {s.until.isoformat()}, so it suppresses nothing "
                                "any more")
            elif not s.bad_date:
                idle = [c for c in known if c in selected and c not in s.used
                        and c not in refused]
                if idle:
                    problems.append(f"suppresses nothing for {', '.join(idle)} on the line it "
                                    "covers (fixed, or the line moved)")
            if problems:
                yield self.finding(
                    where, f"{shown} " + "; ".join(problems) + ".",
                    fix=self.meta.fix,
                    anchor=f"suppression:{','.join(s.codes)}:{s.reason}")

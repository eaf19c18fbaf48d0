"""Command line: the arguments of every command, and the dispatch to the command's module
(``cflint.commands``: check, audit, rules, rule, hash, --version; ``cflint.live.command``:
probe, logs). Inputs are found by ``cflint.inputs``; the exit codes and the usage error
are ``cflint.errors``.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 usage or internal error
(one line on stderr, never a traceback).
"""
from __future__ import annotations

import argparse
import os
import sys

from .errors import EXIT_ERROR, UsageError, print_error


class _Formatter(argparse.HelpFormatter):
    """A fixed width: argparse would import shutil (and bz2, lzma) at every start just to
    ask for the terminal's size."""

    def __init__(self, prog):
        super().__init__(prog, width=int(os.environ.get("COLUMNS", "100") or 100))


class _Parser(argparse.ArgumentParser):
    def __init__(self, *a, **k):
        k.setdefault("formatter_class", _Formatter)
        super().__init__(*a, **k)

    def error(self, message):  # argparse exits 2 as well; keep it to one line
        raise UsageError(message)


def _datetime(text: str):
    import datetime as dt

    try:
        v = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time: {text!r}") from None
    return v if v.tzinfo else v.replace(tzinfo=dt.timezone.utc)


def _nonneg(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        v = -1
    if v < 0:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}")
    return v


# command -> its one-line help (the list ``cflint --help`` shows)
COMMANDS = {
    "check": "lint sendmail.cf / submit.cf files or directories",
    "audit": "lint many host snapshots (tar archives or root directories) into one report",
    "probe": "connect to running servers: STARTTLS offered?, the certificate they present, "
             "verified",
    "logs": "explain sendmail's STARTTLS lines in mail logs (plain or gzipped; - for stdin)",
    "rules": "list every rule of every installed pack",
    "hash": "print certificates' OpenSSL subject hashes, as 'openssl x509 -noout -hash' does",
    "rule": "show one rule's documentation",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only`` (a command), every command is listed but only
    that one's arguments are defined: a run pays for the ~90 ``add_argument`` calls of the
    command it runs, not of all seven."""
    p = _Parser(prog="cflint", description="Lint sendmail STARTTLS configurations.")
    p.add_argument("--version", action="store_true", help="print the version and rule packs")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    for name, help_text in COMMANDS.items():
        cp = sub.add_parser(name, help=help_text)
        if only is None or only == name:
            _ARGUMENTS[name](cp)
    return p


def _check_arguments(c) -> None:
    c.add_argument("paths", nargs="*", metavar="PATH",
                   help="a .cf file, a directory holding sendmail.cf and submit.cf, or a tar "
                        "archive of a host's files (default /etc/mail, under --root if given)")
    c.add_argument("--format", "-f", default="text",
                   help="text (default), json, sarif, github (workflow annotations)")
    c.add_argument("--baseline", metavar="FILE",
                   help="hide the findings recorded in this baseline (by fingerprint)")
    c.add_argument("--write-baseline", metavar="FILE",
                   help="record the current findings as the baseline and exit 0")
    c.add_argument("--output", "-o", help="write the report to this file instead of stdout")
    c.add_argument("--root", help="re-base absolute paths under this directory or inside "
                                  "this tar archive (a copied file system, a host snapshot)")
    c.add_argument("--select", action="append", metavar="CODES",
                   help="only these rules (codes, prefixes such as CF1, or names)")
    c.add_argument("--ignore", action="append", metavar="CODES", help="skip these rules")
    c.add_argument("--extend-select", action="append", metavar="CODES",
                   help="rules to add to the selection (of the config file or the default)")
    c.add_argument("--config", metavar="FILE",
                   help="a .cflint.toml or pyproject.toml to use (default: found upward from "
                        "the first PATH)")
    c.add_argument("--fail-on", choices=["error", "warning", "note", "never"],
                   help="lowest level that makes the exit code 1 (default warning)")
    c.add_argument("--exit-zero", action="store_true",
                   help="exit 0 even with findings (errors of cflint itself still exit 2)")
    c.add_argument("--statistics", action="store_true",
                   help="print the number of findings per rule instead of the findings")
    c.add_argument("--target-version", help="sendmail version to judge against, 8.13-8.18 "
                                            "(default: from the cf header, else 8.17)")
    c.add_argument("--vendor", choices=["upstream", "hpux"])
    c.add_argument("--require-starttls", action="store_true", default=None,
                   help="a config without any TLS option is an error, not a note")
    c.add_argument("--now", type=_datetime, metavar="ISO8601",
                   help="judge certificate dates at this time (default: the clock)")
    c.add_argument("--expiry-days", type=_nonneg, metavar="N",
                   help="warn about certificates expiring within N days (default 30)")
    c.add_argument("--security-level", type=int, choices=range(0, 6),
                   metavar="0-5", help="OpenSSL security level of the target (default 2)")
    c.add_argument("--hostname", help="the host name sendmail announces, when no Dj line "
                                      "says it (for CF307)")
    c.add_argument("--max-lifetime-days", type=_nonneg, metavar="N",
                   help="longest certificate validity before CF310 (default 398)")
    c.add_argument("--check-permissions", choices=["auto", "always", "never"],
                   help="mode and owner rules: auto (default) skips them for files git tracks "
                        "(untracked, ignored and etckeeper-kept files are checked), "
                        "always, never")
    c.add_argument("--max-ca-certs", type=_nonneg, metavar="N",
                   help="most certificates in the server's CACertFile before CF408 (100)")
    c.add_argument("--max-file-size", type=_nonneg, metavar="BYTES",
                   help="largest config or PEM file read (default 64 MiB configs, 8 MiB PEM)")
    c.add_argument("--no-inline-ignores", action="store_true",
                   help="ignore every '# cflint: ignore[...]' comment (for audits)")
    c.add_argument("--category", help="SARIF automationDetails category (e.g. cflint/mx1)")
    c.add_argument("--no-color", action="store_true", help="never colour text output")


def _audit_arguments(a) -> None:
    from . import formats

    a.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="a host snapshot: a tar archive or a directory laid out like its root "
                        "(etc/mail/...); with --from-json, cflint check JSON outputs")
    a.add_argument("--format", "-f", action="append", choices=formats.names("audit"),
                   help="repeat for several outputs, each with its --output (default text)")
    a.add_argument("--output", "-o", action="append", help="one per --format")
    a.add_argument("--hosts-file", help="lines 'INPUT HOST' naming the host of each input "
                                        "(default: the file or directory name)")
    a.add_argument("--jobs", "-j", type=int, metavar="N",
                   help="worker processes (default: one per core)")
    a.add_argument("--from-json", action="store_true",
                   help="the INPUTs are 'cflint check --format json' outputs, one per host")
    a.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"),
                   help="what got fixed and what is new between two audit JSON documents")
    a.add_argument("--live", action="append", metavar="FILE",
                   help="a 'cflint probe' or 'cflint logs' JSON output: shown in the section "
                        "of the host it names (--host-name), its findings counted there")
    a.add_argument("--select", action="append", metavar="CODES")
    a.add_argument("--ignore", action="append", metavar="CODES")
    a.add_argument("--fail-on", choices=["error", "warning", "note", "never"],
                   default="never", help="exit 1 when a host has a finding at this level "
                                         "(default never: a report)")
    a.add_argument("--now", type=_datetime, metavar="ISO8601")
    a.add_argument("--expiry-days", type=_nonneg, default=30, metavar="N")
    a.add_argument("--security-level", type=int, choices=range(0, 6), default=2,
                   metavar="0-5")
    a.add_argument("--target-version")
    a.add_argument("--check-permissions", choices=["auto", "always", "never"],
                   default="always", help="snapshots keep modes: judged by default")
    a.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def _probe_arguments(pr) -> None:
    pr.add_argument("targets", nargs="*", metavar="HOST[:PORT]",
                    help="servers to probe: HOST (ports 25 and 587), HOST:PORT, [V6]:PORT, "
                         "smtps://HOST:PORT (default localhost:25 and localhost:587)")
    pr.add_argument("--ca-file", help="verify the certificate against these CAs (PEM)")
    pr.add_argument("--ca-path", help="verify against this hashed CA directory")
    pr.add_argument("--client-cert", help="present this certificate when asked, as a peer "
                                          "MTA does")
    pr.add_argument("--client-key", help="its key (default: in --client-cert)")
    pr.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                    help="for each step: connect, greeting, EHLO, STARTTLS, handshake (10)")
    pr.add_argument("--helo", help="the name sent in EHLO (default this host's name)")
    pr.add_argument("--from-json", metavar="FILE",
                    help="judge the results of an earlier 'cflint probe --format json' "
                         "instead of connecting")
    _live_options(pr, "probe")


def _logs_arguments(lg) -> None:
    lg.add_argument("files", nargs="+", metavar="FILE")
    _live_options(lg, "logs")


def _rules_arguments(r) -> None:
    r.add_argument("--format", "-f", choices=["text", "json"], default="text")


def _hash_arguments(h) -> None:
    h.add_argument("files", nargs="+", metavar="FILE")
    h.add_argument("--old", action="store_true",
                   help="the pre-1.0 (MD5) hash, as -subject_hash_old")


def _rule_arguments(d) -> None:
    d.add_argument("code", help="rule code or name, e.g. CF101")


_ARGUMENTS = {"check": _check_arguments, "audit": _audit_arguments,
              "probe": _probe_arguments, "logs": _logs_arguments, "rules": _rules_arguments,
              "hash": _hash_arguments, "rule": _rule_arguments}


def _live_options(p, kind: str) -> None:
    p.add_argument("--config", metavar="PATH",
                   help="the sendmail configuration the server runs (a directory with "
                        "sendmail.cf/submit.cf, or a .cf): its static findings "
                        + ("predict what the server should do"
                           if kind == "probe" else "explain each line, with the exact fix"))
    p.add_argument("--root", help="re-base the configuration's paths under this directory "
                                  "or tar archive")
    from . import formats

    p.add_argument("--format", "-f", choices=formats.names(kind), default="text")
    p.add_argument("--output", "-o", help="write the report to this file")
    p.add_argument("--host-name", help="the host these results belong to, for 'cflint audit "
                                       "--live' (default: " + ("the first target's host"
                                                               if kind == "probe" else
                                                               "the host the log names") + ")")
    p.add_argument("--select", action="append", metavar="CODES")
    p.add_argument("--ignore", action="append", metavar="CODES")
    p.add_argument("--fail-on", choices=["error", "warning", "note", "never"],
                   default="warning", help="lowest level that makes the exit code 1")
    p.add_argument("--exit-zero", action="store_true")
    p.add_argument("--now", type=_datetime, metavar="ISO8601")
    p.add_argument("--target-version")
    p.add_argument("--category", help="SARIF automationDetails category")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        # the command is the first word (cflint has no option before it but --version)
        only = argv[0] if argv and argv[0] in COMMANDS else None
        args = build_parser(only).parse_args(argv)
        if args.version:
            from .commands.info import version

            return version()
        if args.command == "check":
            from .commands import check

            return check.run(args)
        if args.command == "rules":
            from .commands.info import rules

            return rules(args)
        if args.command == "audit":
            from .commands import audit

            return audit.run(args)
        if args.command == "rule":
            from .commands.info import rule

            return rule(args)
        if args.command in ("probe", "logs"):
            from .live import command

            return command.run(args)
        if args.command == "hash":
            from .commands.info import hash_files

            return hash_files(args)
        build_parser().print_help(sys.stderr)
        return EXIT_ERROR
    except UsageError as e:
        print_error(f"error: {e}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("cflint: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as e:  # the one clear line; never a traceback
        from .engine import PluginError, RuleCrash

        if isinstance(e, (PluginError, RuleCrash)):
            print_error(f"error: {e}")
        else:
            print_error(f"internal error: {type(e).__name__}: {e}")
        if os.environ.get("CFLINT_DEBUG"):
            raise
        return EXIT_ERROR

"""``cflint logs``: sendmail's STARTTLS lines in a mail log (reference sendmail-tls.md
§2.5, §4.8).

``read_events(lines)`` turns syslog lines (the classic ``Mon DD HH:MM:SS host prog[pid]:``
form, RFC 3339 time stamps, journalctl's short output, or the bare ``<pri>`` datagrams
syslog(3) sends) into ``Event`` dicts: one per STARTTLS problem sendmail logged, with the
OpenSSL detail lines of the same process attached, and one per TLS session (``verify=``).
``verify_summary(events)`` counts the ``{verify}`` values per relay and side, each with its
meaning. Which rule explains an event is the ``logs`` rules' business, not this module's.
"""
from __future__ import annotations

import gzip
import re
from typing import Iterable, Iterator

# The {verify} values (reference §4.8): value -> (sides, meaning)
VERIFY_MEANINGS = {
    "OK": ("both", "the certificate was verified"),
    "NO": ("both", "a certificate was requested and none was sent"),
    "NOT": ("server", "no certificate was requested (TLSSrvOptions=V)"),
    "FAIL": ("both", "the certificate was not verified: unknown CA, self-signed, expired, "
                     "revoked, or no CA data"),
    "NONE": ("client", "STARTTLS was not used: not offered, M=S, Try_TLS NO, or a 5xx reply"),
    "TEMP": ("client", "a 4xx reply to STARTTLS, the client's TLS set-up failed, or SSL_new "
                       "or the engine failed; the default rulesets then deliver in clear text"),
    "PROTOCOL": ("client", "an unexpected reply to STARTTLS"),
    "SOFTWARE": ("client", "the TLS handshake failed (the connection was dropped)"),
    "CLEAR": ("client", "a clear-text retry after SOFTWARE (8.16.1+)"),
    "CONFIG": ("client", "a syntax error in tls_clt_features"),
    "FAILURE": ("client", "another internal error"),
    "TRUSTED": ("client", "DANE builds only: the certificate matched a TLSA record"),
    "DANE_FAIL": ("client", "DANE builds only: the certificate matched no TLSA record"),
    "DANE_TEMP": ("client", "DANE builds only (8.18.1+): a temporary DANE lookup failure"),
    "DANE_NOTLS": ("client", "DANE builds only (8.18.1+): TLSA records but no STARTTLS"),
}
# values the default rulesets refuse (454 4.7.0), or that mean mail went in clear text
VERIFY_BAD = {"SOFTWARE", "PROTOCOL", "CONFIG", "DANE_FAIL", "TEMP", "FAILURE", "CLEAR"}

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_SYSLOG = re.compile(
    r"^(?:<\d{1,3}>)?(?:1 )?"
    rf"(?P<ts>(?:{_MONTHS}) [ \d]\d \d\d:\d\d:\d\d|\d{{4}}-\d\d-\d\d[T ]\d\d:\d\d:\d\d\S*)\s+"
    r"(?:(?P<host>[^\s\[:]+)\s+)?(?P<prog>[^\s\[:]+)\[(?P<pid>\d+)\]:\s?(?P<msg>.*)$")
_QUEUE_ID = re.compile(r"^(?:[0-9A-Za-z]{8,20}|NOQUEUE): ")
_SIDE = r"STARTTLS=(?P<side>server|client)"
_PATTERNS: list[tuple[str, re.Pattern]] = [(k, re.compile(p)) for k, p in (
    ("missing", r"^STARTTLS: (?P<option>\w+) missing"),
    ("unsafe", _SIDE + r": file (?P<path>.+?) unsafe: (?P<reason>.+)$"),
    # the server's (SSL_CTX_...) and the per-session (SSL_..., tls_*_features) forms
    ("key-load", _SIDE + r", error: SSL_(?:CTX_)?use_PrivateKey_file\((?P<path>.*?)\) failed"),
    ("cert-load", _SIDE + r", error: SSL_(?:CTX_)?use_certificate(?:_chain)?_file\("
                          r"(?P<path>.*?)\) failed"),
    ("mismatch", _SIDE + r", error: SSL_(?:CTX_)?check_private_key(?P<second> 2)? "
                         r"failed(?:\((?P<path>.*?)\))?"),
    ("ca-load", _SIDE + r", error: load verify locs (?P<capath>.*?), (?P<path>.*?) failed"),
    # "(...)" holds a file, or the keyword in effect ("cannot read or set": no DH at all)
    ("dh", _SIDE + r", error: (?:(?:cannot read (?:or set )?DH parameters|BIO_new_file)\("
                   r"(?:(?P<path>/[^)]*)|(?P<value2>[^)]*))\)|illegal value '(?P<value>.*)' "
                   r"for DHParameters)"),
    ("crl", _SIDE + r", error: PEM_read_bio_X509_CRL\((?P<path>.*?)\)=failed"),
    # the CRL set-up failed: init fails with it (tls.c load_crlfile(), load_crlpath())
    ("crl-init", _SIDE + r", error: (?:(?:BIO_read_filename|X509_LOOKUP_add_dir)\("
                         r"(?P<path>.*?)\)|X509_STORE_add_(?:crl|lookup\(hash\))|BIO_new)"
                         r"=failed"),
    ("cipher", _SIDE + r", error: SSL_CTX_set_(?P<what>cipher_list|ciphersuites)\("
                       r"(?P<value>.*)\) failed"),
    ("fingerprint", r"^STARTTLS=init, CertFingerprintAlgorithm=(?P<value>.*?), status=invalid"),
    ("engine", _SIDE + r", engine=(?P<value>.*?), TLS_set_engine=failed"),
    ("smtps-off", r"^smtps: TLS not available, exiting"),
    ("init", _SIDE + r", init=(?P<value>\d)"),
    ("session", _SIDE + r", relay=(?P<relay>.*?), version=(?P<version>\S*), "
                        r"verify=(?P<verify>[A-Z_]+), cipher=(?P<cipher>\S*), "
                        r"bits=(?P<bits>\d+/\d+)"),
    ("handshake", _SIDE + r", error: (?P<what>accept|connect) failed=(?P<value>-?\d+), "
                          r"(?:reason=(?P<reason>.*?), )?.*?relay=(?P<relay>[^,]*)"),
    ("ruleset", r"ruleset=tls_(?P<which>server|client), arg1=(?P<verify>[A-Z_]+), "
                r"relay=(?P<relay>.*?), reject=(?P<reply>.*)$"),
)]
_DETAIL = re.compile(_SIDE + r": error:(?P<code>[0-9A-Fa-f]{1,8}):(?P<lib>[^:]*):[^:]*:"
                     r"(?P<reason>[^:]*)")
# every run logs these; they are not problems
_ROUTINE_MISSING = {"CRLFile", "CRLPath"}


class LogError(Exception):
    pass


def open_lines(path: str, stdin=None) -> Iterator[str]:
    """The lines of a plain or gzipped log file (``-``: standard input)."""
    import sys

    if path == "-":   # streamed: journalctl | cflint logs -
        import io

        stream = stdin if stdin is not None else sys.stdin.buffer
        if not hasattr(stream, "peek"):
            stream = io.BufferedReader(stream)
        src = gzip.GzipFile(fileobj=stream) if stream.peek(2)[:2] == b"\x1f\x8b" else stream
        try:
            for raw in src:
                yield raw.decode("utf-8", "surrogateescape").rstrip("\r\n")
        except (OSError, EOFError) as e:
            raise LogError(f"standard input: {e}") from None
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
        opener = gzip.open if head == b"\x1f\x8b" else open
        with opener(path, "rb") as fh:
            for raw in fh:
                yield raw.decode("utf-8", "surrogateescape").rstrip("\r\n")
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise LogError(f"{path}: {getattr(e, 'strerror', None) or e}") from None


def parse_line(line: str) -> dict | None:
    """The syslog envelope of one line: ts, host, prog, pid, msg (None: not syslog)."""
    m = _SYSLOG.match(line)
    if m is None:
        return None
    d = m.groupdict()
    d["pid"] = int(d["pid"])
    d["msg"] = _QUEUE_ID.sub("", d["msg"], count=1)
    return d


def new_stats() -> dict:
    return {"lines": 0, "syslog_lines": 0, "sendmail_lines": 0, "hosts": {}}


def read_events(lines: Iterable[str], source: str = "-") -> tuple[list[dict], dict]:
    """(events, stats) of a log: every sendmail STARTTLS event with its file and line."""
    stats = new_stats()
    events = list(iter_events(lines, source, stats))
    stats["hosts"] = dict(sorted(stats["hosts"].items(), key=lambda kv: -kv[1]))
    return events, stats


def iter_events(lines: Iterable[str], source: str, stats: dict) -> Iterator[dict]:
    """The events of a log one by one (a log of any size in bounded memory, but for the
    last event of each process, which its OpenSSL detail lines may still extend);
    ``stats`` is updated on the way."""
    last_of_pid: dict[int, dict] = {}
    for n, line in enumerate(lines, 1):
        stats["lines"] += 1
        env = parse_line(line)
        if env is None:
            continue
        stats["syslog_lines"] += 1
        msg = env["msg"]
        if "STARTTLS" not in msg and "smtps:" not in msg and "ruleset=tls_" not in msg:
            continue
        stats["sendmail_lines"] += 1
        if env["host"]:
            stats["hosts"][env["host"]] = stats["hosts"].get(env["host"], 0) + 1
        detail = _DETAIL.match(msg)
        if detail is not None:
            prev = last_of_pid.get(env["pid"])
            if prev is not None and prev["line"] >= n - 20:
                prev.setdefault("openssl", []).append(
                    {"line": n, "code": detail["code"], "library": detail["lib"],
                     "reason": detail["reason"].strip(), "text": msg})
            continue
        for kind, rx in _PATTERNS:
            m = rx.search(msg)
            if m is None:
                continue
            fields = {k.rstrip("2"): v for k, v in m.groupdict().items() if v is not None}
            if kind == "missing" and fields["option"] in _ROUTINE_MISSING:
                break
            ev = {"kind": kind, "source": source, "line": n, "ts": env["ts"],
                  "host": env["host"], "prog": env["prog"], "pid": env["pid"],
                  "text": msg, **fields}
            if kind == "missing":     # the server logs "STARTTLS: X missing"; which side
                ev["side"] = "client" if fields["option"].startswith("Client") else "server"
            yield ev                  # the caller keeps it; details may still be added
            if kind not in ("session", "init", "ruleset"):
                last_of_pid[env["pid"]] = ev
                if len(last_of_pid) > 10000:      # processes long gone
                    last_of_pid.pop(next(iter(last_of_pid)))
            break


TALLIED = ("session", "handshake", "ruleset")   # counted in the summary, not kept
# the events that report no problem of the server's own (CF705 judges the others)
NOT_PROBLEMS = (*TALLIED, "init")


def verify_summary(events: Iterable[dict]) -> list[dict]:
    """One row per (relay, side): the count of each {verify} value, with its meaning;
    handshake failures and tls_* ruleset rejections counted beside them."""
    tally = VerifyTally()
    for ev in events:
        tally.add(ev)
    return tally.rows()


class VerifyTally:
    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], dict] = {}

    def add(self, ev: dict) -> None:
        if ev["kind"] not in TALLIED:
            return
        rows = self._rows
        side = ev.get("side") or ("client" if ev.get("which") == "server" else "server")
        relay = (ev.get("relay") or "").strip() or "(unknown)"
        row = rows.setdefault((relay, side), {"relay": relay, "side": side, "verify": {},
                                              "handshake_failures": 0, "rejections": 0,
                                              "versions": {}, "first_line": ev["line"]})
        if ev["kind"] == "session":
            v = ev["verify"]
            row["verify"][v] = row["verify"].get(v, 0) + 1
            row["versions"][ev["version"]] = row["versions"].get(ev["version"], 0) + 1
        elif ev["kind"] == "handshake":
            row["handshake_failures"] += 1
        else:
            row["rejections"] += 1

    def rows(self) -> list[dict]:
        out = []
        for (relay, side), row in sorted(self._rows.items()):
            row["meanings"] = {v: meaning(v, side) for v in row["verify"]}
            out.append(row)
        return out


def meaning(value: str, side: str) -> str:
    sides, text = VERIFY_MEANINGS.get(value, ("both", "a value this release of cflint "
                                                      "does not know"))
    who = "the client's" if side == "server" else "the server's"
    if value in ("OK", "FAIL", "NO"):
        return f"{who} certificate: {text}"
    return text

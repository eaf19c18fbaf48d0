"""``cflint probe``: speak SMTP to a server the way a peer MTA does and record what it
offers: the greeting, the EHLO reply, whether STARTTLS is advertised, and after STARTTLS
the protocol, the cipher and the certificate presented, verified against given CAs.

Every step has its own timeout; every failure is a ``ProbeError`` with the step it
happened in and one clear sentence (refused, not SMTP, handshake failed...). The result
is a plain dict (``Probe.to_dict``), the observation the ``probe`` rules judge.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass, field

DEFAULT_PORTS = (25, 587)
SMTPS_PORTS = (465,)
MAX_LINE = 4096          # a reply line longer than this is not SMTP
MAX_LINES = 200          # nor is a reply of more lines
_REPLY = re.compile(r"^(\d{3})([ -])(.*)$")


class ProbeError(Exception):
    def __init__(self, step: str, message: str):
        super().__init__(message)
        self.step = step
        self.message = message


class UsageProblem(ValueError):
    """A target or client certificate that cannot be used at all (exit 2)."""


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    smtps: bool = False

    @property
    def name(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def uri(self) -> str:
        return f"{'smtps' if self.smtps else 'smtp'}://{self.name}"


def parse_target(text: str, smtps: bool = False) -> list[Target]:
    """``HOST``, ``HOST:PORT``, ``[V6]:PORT``, ``smtp://HOST:PORT`` or ``smtps://...``;
    a bare host means ports 25 and 587 (465 is always SMTPS: implicit TLS)."""
    t = text.strip()
    m = re.match(r"^(smtps?)://(.*)$", t, re.I)
    if m:
        smtps = m.group(1).lower() == "smtps"
        t = m.group(2).rstrip("/")
    if not t:
        raise UsageProblem(f"empty probe target {text!r}")
    port: int | None = None
    if t.startswith("["):
        end = t.find("]")
        if end < 0:
            raise UsageProblem(f"probe target {text!r}: unclosed '['")
        host, rest = t[1:end], t[end + 1:]
        if rest:
            if not rest.startswith(":"):
                raise UsageProblem(f"probe target {text!r}: expected ':PORT' after ']'")
            port = _port(rest[1:], text)
    elif t.count(":") == 1:
        host, p = t.split(":")
        port = _port(p, text)
    else:
        host = t      # a host name, IPv4, or a bare IPv6 address
    if not host or re.search(r"[\s/]", host):
        raise UsageProblem(f"probe target {text!r}: not a host name or address")
    if port is None:
        ports = (465,) if smtps else DEFAULT_PORTS
        return [Target(host, p, smtps or p in SMTPS_PORTS) for p in ports]
    return [Target(host, port, smtps or port in SMTPS_PORTS)]


def _port(text: str, given: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise UsageProblem(f"probe target {given!r}: port {text!r} is not 1-65535")
    return int(text)


@dataclass
class ClientIdentity:
    """The certificate and key the probe presents when the server asks for one."""
    cert: str
    key: str | None = None


@dataclass
class Probe:
    target: Target
    helo: str
    address: str | None = None
    greeting: list[str] = field(default_factory=list)
    ehlo: list[str] = field(default_factory=list)
    starttls_offered: bool | None = None
    starttls_reply: str | None = None
    tls: dict | None = None
    certificate: dict | None = None
    verify: dict | None = None
    client_certificate: dict | None = None
    error: dict | None = None
    started: str = ""
    elapsed_ms: int = 0

    def to_dict(self) -> dict:
        return {
            "target": self.target.name, "uri": self.target.uri, "host": self.target.host,
            "port": self.target.port, "smtps": self.target.smtps, "address": self.address,
            "helo": self.helo, "started": self.started, "elapsed_ms": self.elapsed_ms,
            "status": "error" if self.error else "ok", "error": self.error,
            "greeting": self.greeting, "ehlo": self.ehlo,
            "starttls_offered": self.starttls_offered, "starttls_reply": self.starttls_reply,
            "tls": self.tls, "certificate": self.certificate, "verify": self.verify,
            "client_certificate": self.client_certificate,
        }


# ------------------------------------------------------------------ the line reader


class _Conn:
    """An SMTP connection: bounded line reads, every operation under ``timeout``."""

    def __init__(self, sock: socket.socket, timeout: float):
        self.sock = sock
        self.timeout = timeout
        self.buf = b""
        sock.settimeout(timeout)

    def reply(self, step: str) -> tuple[int, list[str]]:
        lines: list[str] = []
        until = time.monotonic() + self.timeout
        while True:
            while b"\n" not in self.buf:
                if len(self.buf) > MAX_LINE:
                    raise ProbeError(step, _not_smtp(step, self.buf))
                left = until - time.monotonic()
                if left <= 0:
                    raise socket.timeout()
                self.sock.settimeout(left)
                chunk = self.sock.recv(4096)
                if chunk and not re.match(rb"^\d{0,3}$|^\d{3}[ -]", (self.buf + chunk)[:4]):
                    raise ProbeError(step, _not_smtp(step, self.buf + chunk, lines))
                if not chunk:
                    if self.buf or lines:
                        raise ProbeError(step, _not_smtp(step, self.buf, lines))
                    raise ProbeError(step, f"the server closed the connection {_during(step)}")
                self.buf += chunk
            raw, self.buf = self.buf.split(b"\n", 1)
            text = raw.rstrip(b"\r").decode("utf-8", "surrogateescape")
            m = _REPLY.match(text)
            if m is None:
                raise ProbeError(step, _not_smtp(step, raw, lines))
            lines.append(text)
            if len(lines) > MAX_LINES:
                raise ProbeError(step, f"a reply of more than {MAX_LINES} lines {_during(step)}"
                                 ": not an SMTP server")
            if m.group(2) == " ":
                codes = {ln[:3] for ln in lines}
                if len(codes) != 1:
                    raise ProbeError(step, f"a multi-line reply with mixed codes "
                                     f"({', '.join(sorted(codes))}) {_during(step)}")
                return int(m.group(1)), lines

    def send(self, text: str) -> None:
        self.sock.settimeout(self.timeout)
        self.sock.sendall(text.encode("ascii") + b"\r\n")


def _during(step: str) -> str:
    return {"greeting": "before its greeting", "ehlo": "after EHLO",
            "starttls": "after STARTTLS"}.get(step, f"during {step}")


def _not_smtp(step: str, raw: bytes, lines: list[str] = ()) -> str:
    shown = raw[:60].rstrip(b"\r\n")
    if shown[:1] == b"\x16" or shown[:2] in (b"\x15\x03",):
        what = "a TLS record (the port speaks TLS at once: try smtps://HOST:PORT)"
    else:
        text = shown.decode("latin-1")
        printable = "".join(c if c.isprintable() else "." for c in text)
        what = repr(printable) + ("..." if len(raw) > 60 else "")
    return f"not an SMTP reply {_during(step)}: {what}"


# ------------------------------------------------------------------ the probe


def probe(target: Target, *, timeout: float = 10.0, helo: str | None = None,
          ca_file: str | None = None, ca_path: str | None = None, ca_data: str | None = None,
          client: ClientIdentity | None = None) -> Probe:
    """Probe one target. ``ca_file``/``ca_path`` are host paths; ``ca_data`` PEM text of
    trust anchors read elsewhere (a configuration's CA files through its file view). With
    none of them the certificate is reported but not verified."""
    helo = helo or _helo_name()
    p = Probe(target, helo, started=dt.datetime.now(dt.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ"))
    t0 = time.monotonic()
    verify_ctx = None
    if ca_file or ca_path or ca_data:
        verify_ctx = _context(client, verify=True)
        try:
            verify_ctx.load_verify_locations(cafile=ca_file or None, capath=ca_path or None,
                                             cadata=ca_data or None)
        except (ssl.SSLError, OSError, ValueError) as e:
            raise UsageProblem(f"cannot load the CA data ({ca_file or ca_path or 'configured'}"
                               f"): {_ssl_text(e)}") from None
    try:
        if verify_ctx is None:
            _session(p, timeout, _context(client, verify=False))
            p.verify = {"checked": False, "result": "not-checked",
                        "message": "no CA given (--ca-file, --ca-path or --config)"}
        else:
            try:
                _session(p, timeout, verify_ctx)
                if p.tls is not None:
                    p.verify = {"checked": True, "result": "ok",
                                "message": "the certificate chains to a given CA"}
            except _VerifyFailed as e:
                p.verify = {"checked": True, "result": "fail", "message": e.reason,
                            "code": e.code}
                # the details of a certificate that does not verify: a second session
                # that accepts it, as an MTA does (sendmail never aborts on {verify})
                _session(p, timeout, _context(client, verify=False))
    except ProbeError as e:
        p.error = {"step": e.step, "message": e.message}
    p.elapsed_ms = int((time.monotonic() - t0) * 1000)
    return p


class _VerifyFailed(Exception):
    def __init__(self, reason: str, code: int | None):
        super().__init__(reason)
        self.reason, self.code = reason, code


def _helo_name() -> str:
    name = socket.gethostname()
    return name if "." in name else f"{name}.invalid" if name else "cflint.invalid"


def _context(client: ClientIdentity | None, verify: bool) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False          # sendmail does not match host names either
    ctx.verify_mode = ssl.CERT_REQUIRED if verify else ssl.CERT_NONE
    # observe what the server can do, old protocols and weak keys included: the findings
    # judge it, the probe does not refuse it
    ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    try:
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    except ssl.SSLError:
        pass
    if client is not None:
        try:
            ctx.load_cert_chain(client.cert, client.key, password=_no_passphrase)
        except _Passphrase:
            raise UsageProblem(f"--client-key {client.key or client.cert}: the key is "
                               "encrypted; cflint asks for no passphrase (sendmail cannot "
                               "use it either)") from None
        except (ssl.SSLError, OSError) as e:
            raise UsageProblem(f"cannot load --client-cert {client.cert}"
                               f"{' / --client-key ' + client.key if client.key else ''}: "
                               f"{_ssl_text(e)}") from None
    return ctx


class _Passphrase(Exception):
    pass


def _no_passphrase():
    raise _Passphrase()


def _ssl_text(e: BaseException) -> str:
    if isinstance(e, ssl.SSLError) and getattr(e, "reason", None):
        return str(e.reason).replace("_", " ").lower()
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return str(e) or type(e).__name__


def _session(p: Probe, timeout: float, ctx: ssl.SSLContext) -> None:
    t = p.target
    try:
        sock = socket.create_connection((t.host, t.port), timeout=timeout)
    except socket.gaierror as e:
        raise ProbeError("connect", f"cannot resolve {t.host}: {e.strerror or e}") from None
    except ConnectionRefusedError:
        raise ProbeError("connect", f"connection refused: nothing listens on {t.name}") \
            from None
    except (socket.timeout, TimeoutError):
        raise ProbeError("connect", f"no connection to {t.name} within {timeout:g} s") \
            from None
    except OSError as e:
        raise ProbeError("connect", f"cannot connect to {t.name}: {e.strerror or e}") \
            from None
    step = "greeting"
    try:
        p.address = sock.getpeername()[0]
        if t.smtps:
            step = "handshake"
            sock = _handshake(p, ctx, sock, timeout)
        conn = _Conn(sock, timeout)
        step = "greeting"
        code, p.greeting = conn.reply(step)
        if code != 220:
            raise ProbeError(step, f"the server refuses the session: {p.greeting[-1]}")
        step = "ehlo"
        conn.send(f"EHLO {p.helo}")
        code, p.ehlo = conn.reply(step)
        if code != 250:
            raise ProbeError(step, f"EHLO refused: {p.ehlo[-1]}")
        p.starttls_offered = any(re.match(r"^250[- ]STARTTLS\s*$", ln, re.I)
                                 for ln in p.ehlo[1:])
        if t.smtps:
            p.starttls_offered = None     # TLS from the first byte: no STARTTLS to offer
            _quit(conn)
            return
        step = "starttls"
        conn.send("STARTTLS")
        code, lines = conn.reply(step)
        p.starttls_reply = lines[-1]
        if code != 220:
            _quit(conn)
            return
        step = "handshake"
        tls_sock = _handshake(p, ctx, sock, timeout)
        conn = _Conn(tls_sock, timeout)
        step = "ehlo-after-tls"
        try:   # a new EHLO, then QUIT, as a client would; a server may hang up here
            conn.send(f"EHLO {p.helo}")
            conn.reply(step)
            _quit(conn)
        except (OSError, ProbeError, ssl.SSLError):
            pass
        sock = tls_sock
    except (socket.timeout, TimeoutError):
        hint = {"greeting": " (a passphrase prompt blocks sendmail before its greeting; "
                            "greet_pause delays it a few seconds)"}.get(step, "")
        raise ProbeError(step, f"no reply {_during(step)} within {timeout:g} s{hint}") \
            from None
    except ConnectionResetError:
        raise ProbeError(step, f"the server reset the connection {_during(step)}") from None
    except OSError as e:
        if isinstance(e, ssl.SSLError):
            raise ProbeError(step, f"TLS error {_during(step)}: {_ssl_text(e)}") from None
        raise ProbeError(step, f"{e.strerror or e} {_during(step)}") from None
    finally:
        try:
            sock.close()
        except OSError:
            pass


def _quit(conn: _Conn) -> None:
    try:
        conn.send("QUIT")
        conn.reply("quit")
    except (OSError, ProbeError, ssl.SSLError):
        pass


def _handshake(p: Probe, ctx: ssl.SSLContext, sock: socket.socket, timeout: float):
    host = p.target.host
    try:
        ipaddress.ip_address(host)
        sni = None
    except ValueError:
        sni = host
    sock.settimeout(timeout)
    try:
        tls = ctx.wrap_socket(sock, server_hostname=sni)
    except ssl.SSLCertVerificationError as e:
        raise _VerifyFailed(e.verify_message or _ssl_text(e), e.verify_code) from None
    except (socket.timeout, TimeoutError):
        raise ProbeError("handshake", f"the TLS handshake did not finish within {timeout:g} s")\
            from None
    except ssl.SSLError as e:
        raise ProbeError("handshake", f"the TLS handshake failed: {_ssl_text(e)}") from None
    except (ConnectionResetError, BrokenPipeError, EOFError):
        raise ProbeError("handshake", "the server closed the connection during the TLS "
                                      "handshake") from None
    cipher = tls.cipher() or (None, None, None)
    p.tls = {"protocol": tls.version(), "cipher": cipher[0], "bits": cipher[2]}
    der = tls.getpeercert(binary_form=True)
    p.certificate = certificate_summary(der) if der else None
    return tls


def certificate_summary(der: bytes) -> dict:
    """The facts of a presented certificate (public data only)."""
    import base64
    import hashlib

    from ..pki.load import PemBlock, _cert_info, _hex_colon

    info = _cert_info(PemBlock("CERTIFICATE", 1, (), der))
    pem = ("-----BEGIN CERTIFICATE-----\n" +
           "\n".join(re.findall(".{1,64}", base64.b64encode(der).decode("ascii"))) +
           "\n-----END CERTIFICATE-----\n")
    if info is None:
        return {"sha256": _hex_colon(hashlib.sha256(der).digest()), "decodable": False,
                "pem": pem}
    return {**info.evidence(), "dns_names": list(info.dns_names), "decodable": True,
            "self_signed": info.self_signed, "pem": pem}

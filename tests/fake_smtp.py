"""A scripted SMTP server on a loopback port, for the probe's own tests (the real daemon
is the judge in test_judge_probe.py): it greets, answers EHLO with the lines it is
given, and answers STARTTLS by the script (a TLS handshake with the given certificate,
a 454, a hang-up, or bytes that are not TLS)."""
from __future__ import annotations

import socket
import ssl
import threading
from dataclasses import dataclass, field


@dataclass
class Script:
    greeting: bytes | None = b"220 fake.example.test ESMTP test\r\n"   # None: never greet
    ehlo: tuple[str, ...] = ("fake.example.test Hello", "PIPELINING", "STARTTLS", "HELP")
    starttls: str = "tls"          # "tls", "454", "close", "garbage"
    cert: str | None = None        # server certificate and key (PEM files)
    key: str | None = None
    client_ca: str | None = None   # ask for a client certificate, verified by this CA
    smtps: bool = False            # TLS from the first byte


@dataclass
class FakeSMTP:
    script: Script
    port: int = 0
    sessions: int = 0
    client_certs: list = field(default_factory=list)    # DER of each client cert received
    commands: list = field(default_factory=list)

    def __enter__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()

    def _ctx(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.script.cert, self.script.key)
        if self.script.client_ca:
            ctx.verify_mode = ssl.CERT_OPTIONAL
            ctx.load_verify_locations(self.script.client_ca)
        return ctx

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.sessions += 1
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        s = self.script
        try:
            if s.smtps:
                conn = self._ctx().wrap_socket(conn, server_side=True)
                self._record_client(conn)
            if s.greeting is None:
                self._stop.wait(30)
                return
            conn.sendall(s.greeting)
            f = conn.makefile("rb")
            while True:
                line = f.readline()
                if not line:
                    return
                cmd = line.decode("ascii", "replace").strip()
                self.commands.append(cmd)
                verb = cmd.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    lines = list(s.ehlo)
                    if isinstance(conn, ssl.SSLSocket):
                        lines = [x for x in lines if x.upper() != "STARTTLS"]
                    out = "".join(f"250{'-' if i < len(lines) - 1 else ' '}{x}\r\n"
                                  for i, x in enumerate(lines))
                    conn.sendall(out.encode())
                elif verb == "STARTTLS":
                    if s.starttls == "454":
                        conn.sendall(b"454 4.3.3 TLS not available right now\r\n")
                        continue
                    conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                    if s.starttls == "close":
                        return
                    if s.starttls == "garbage":
                        conn.sendall(b"this is not a TLS record\r\n" * 4)
                        self._stop.wait(2)
                        return
                    try:
                        conn = self._ctx().wrap_socket(conn, server_side=True)
                    except (ssl.SSLError, OSError):
                        return
                    self._record_client(conn)
                    f = conn.makefile("rb")
                elif verb == "QUIT":
                    conn.sendall(b"221 2.0.0 closing connection\r\n")
                    return
                else:
                    conn.sendall(b"500 5.5.1 Command unrecognized\r\n")
        except (OSError, ssl.SSLError):
            return
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def _record_client(self, conn: ssl.SSLSocket) -> None:
        der = conn.getpeercert(binary_form=True)
        if der:
            self.client_certs.append(der)


class Listener:
    """A port that speaks something else (``banner``), or accepts and stays silent."""

    def __init__(self, banner: bytes | None):
        self.banner = banner

    def __enter__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._held = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self._held.append(conn)
            if self.banner:
                try:
                    conn.sendall(self.banner)
                except OSError:
                    pass

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        for c in self._held:
            c.close()
        self.sock.close()

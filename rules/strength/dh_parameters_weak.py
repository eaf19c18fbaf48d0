"""CF107: weak or unusable DHParameters."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.options import OP_ME_TLS, loc, option_fix

RFC7919 = "RFC 7919 (Negotiated FFDHE parameters); Logjam (weakdh.org)"


def dh_param_bits(data: bytes) -> tuple[str, int | None]:
    """('ok', bits) for the first DH PARAMETERS block (earlier blocks are skipped, as
    Debian's .prm holds DSA parameters first), or (reason, None). The size is that of the
    prime p, read from the DER (PKCS#3 and X9.42 both start SEQUENCE { INTEGER p, ... });
    no crypto library is needed to measure it."""
    from cflint.pki.load import pem_blocks

    for b in pem_blocks(data):
        if b.label not in ("DH PARAMETERS", "X9.42 DH PARAMETERS"):
            continue
        if b.der is None:
            return "the DH PARAMETERS block's base64 is broken", None
        p = _der_first_integer(b.der)
        if p is None:
            return "the DH parameters do not decode", None
        return "ok", int.from_bytes(p, "big").bit_length()
    return "no DH PARAMETERS block in the file", None


def _der_first_integer(der: bytes) -> bytes | None:
    def header(pos: int):
        if pos + 2 > len(der):
            return None
        tag, n = der[pos], der[pos + 1]
        pos += 2
        if n & 0x80:
            k = n & 0x7F
            if k == 0 or k > 4 or pos + k > len(der):
                return None
            n = int.from_bytes(der[pos:pos + k], "big")
            pos += k
        if pos + n > len(der):
            return None
        return tag, pos, n

    outer = header(0)
    if outer is None or outer[0] != 0x30:
        return None
    inner = header(outer[1])
    if inner is None or inner[0] != 0x02 or inner[2] == 0:
        return None
    return der[inner[1]:inner[1] + inner[2]]


def log_level(cfg) -> int:
    s = cfg.get("LogLevel")
    try:
        return int(s.value) if s else 9
    except ValueError:
        return 9


class DhParametersWeak(Rule):
    meta = RuleMeta(
        code="CF107", name="dh-parameters-weak", level="warning", impacts=("weak-crypto",),
        summary="Weak or unusable DHParameters",
        rationale=(
            "sendmail reads only the first character of DHParameters: '5' (512) and '1' "
            "(1024) are weak (Logjam); 'i' is the built-in 2048-bit group, '2' generates "
            "2048 bits at start, 'n' disables finite-field DH, '/' loads a PEM file. A "
            "missing or unsafe file falls back to the default; an unparsable one too, but at "
            "LogLevel 7 or less no DH is set up at all. Unset, 8.13-8.14.3 use a 512-bit "
            "group and 8.14.4-8.15.1 generate 1024 bits."),
        fix="O DHParameters=/etc/mail/tls/dh2048.pem (openssl dhparam -out FILE 2048), or "
            "leave it unset on 8.15.2 and later.",
        references=(RFC7919, OP_ME_TLS),
        bad_example="O DHParameters=1024",
        good_example="O DHParameters=/etc/mail/tls/dh2048.pem",
        fix_kind=('option', 'manual'),
        fix_manual='before 8.15.2 only a DH parameter file made with openssl dhparam helps',
    )

    def check(self, model):
        tv = model.target.version
        for cfg in model.configs:
            if cfg.role != "mta" or not cfg.has_any_tls():
                continue
            s = cfg.get("DHParameters")
            if s is None:
                if tv < (8, 14, 4):
                    yield self._f(model, cfg, cfg.line_of("ServerCertFile"), None,
                                  f"DHParameters is not set: {model.target.label} then uses "
                                  "its built-in 512-bit group (breakable, Logjam).",
                                  "unset")
                elif tv < (8, 15, 2):
                    yield self._f(model, cfg, cfg.line_of("ServerCertFile"), None,
                                  f"DHParameters is not set: {model.target.label} then "
                                  "generates 1024-bit parameters at every start (weak).",
                                  "unset")
                continue
            v = s.value.strip()
            c = v[:1]
            col = s.opt.value_column
            if c == "/":
                yield from self._file(model, cfg, s, v)
            elif c in "5":
                yield self._f(model, cfg, s.line, col,
                              f"DHParameters='{v}' selects the built-in "
                              "512-bit group (sendmail reads only the first character): "
                              "breakable (Logjam).", "512")
            elif c == "1":
                yield self._f(model, cfg, s.line, col,
                              f"DHParameters='{v}' generates 1024-bit "
                              "parameters (only the first character counts): weak.", "1024")
            elif c in ("n", "N") or (c in ("i", "I") and tv >= (8, 15, 2)):
                continue
            elif c == "2":
                if tv < (8, 14, 8):
                    yield self._f(model, cfg, s.line, col,
                                  f"DHParameters='{v}': '2' exists only "
                                  f"from 8.14.8; {model.target.label} logs \"illegal value "
                                  f"'{v}' for DHParameters\" and uses its default.", "illegal")
            elif c in ("a", "A") and tv >= (8, 18):
                continue
            else:
                yield self._f(model, cfg, s.line, col,
                              f"DHParameters='{v}' is no keyword sendmail "
                              f"knows (it reads only the first character, '{c}'): it logs "
                              f"\"illegal value '{v}' for DHParameters\" and uses its default.",
                              "illegal")

    def _f(self, model, cfg, line, col, msg, anchor):
        dh_file = ("a 2048-bit (or larger) file: openssl dhparam -out /etc/mail/tls/dh2048.pem "
                   "2048, then point DHParameters at it")
        # 'i' (the built-in 2048-bit group) exists from 8.15.2; before, only a file
        fix = (option_fix("DHParameters", "i") + f" (the built-in 2048-bit group); or {dh_file}"
               if model.target.version >= (8, 15, 2) else
               f"Use {dh_file} ({model.target.label} has no built-in 2048-bit group).")
        return self.finding(loc(cfg, line, col), msg, fix=fix, anchor=f"dh:{anchor}")

    def _file(self, model, cfg, s, path):
        f = model.files.at(path)
        col = s.opt.value_column
        if not f.exists or not f.is_regular:
            if f.permission_denied:
                return
            yield self._f(model, cfg, s.line, col,
                          f"DHParameters file {path} "
                          f"{f.missing_text() if not f.exists else 'is not a regular file'}: "
                          "sendmail falls back to its default group (it logs the DH init "
                          "line with '(I)').", "missing")
            return
        if f.data is None:
            return
        reason, bits = dh_param_bits(f.data)
        if bits is None:
            ll = log_level(cfg)
            after = ("so no DH is set up at all (at LogLevel 7 or less the fallback is "
                     "skipped: only ECDHE remains)" if ll <= 7 else
                     "it falls back to its default group")
            yield self._f(model, cfg, s.line, col,
                          f"DHParameters file {path} is unusable ({reason}): "
                          f"sendmail logs \"cannot read DH parameters({path})\" and {after}.",
                          "unusable")
        elif bits < 2048:
            yield self._f(model, cfg, s.line, col,
                          f"DHParameters file {path} holds {bits}-bit "
                          "parameters, under 2048 bits: weak (Logjam).", f"bits:{bits}")

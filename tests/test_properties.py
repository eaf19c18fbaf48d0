"""Property-based tests (hypothesis) of the cf and mc readers: random and mutated real
configurations never raise, every problem carries a line and column inside the file, and
for valid generated configurations the model printed back parses to the same model; the
PEM reader finds what its plain statement finds."""
from __future__ import annotations

import base64
import binascii
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from cflint.cf.parser import option_key, parse as parse_cf
from cflint.cf.printer import render
from cflint.mc.adapter import mc_to_cf
from cflint.mc.parser import parse as parse_mc
from cflint.pki.load import pem_blocks
from cflint.sendmail import options as optdata
from sendmail_judge import shared_path

CORPUS = shared_path() / "corpus" / "files"
SAMPLES = sorted(CORPUS.iterdir())[:40] if CORPUS.is_dir() else []
TEXTS = [p.read_bytes().decode("utf-8", "surrogateescape")[:20000] for p in SAMPLES]
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_positions(text: str, problems) -> None:
    lines = text.replace("\r\n", "\n").split("\n")
    for p in problems:
        assert 1 <= p.line <= max(1, len(lines)), (p, len(lines))
        assert p.column is None or 1 <= p.column <= len(lines[p.line - 1]) + 1, p


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(TEXTS)) if TEXTS else "V10/Berkeley\n"
    for _ in range(draw(st.integers(0, 8))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "dup", "swap"]))
        chunk = draw(st.text(st.sampled_from(list("`'()#,\n\t OD=$dnl\\\x00\xff")), max_size=8))
        if op == "insert":
            text = text[:i] + chunk + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + draw(st.integers(0, 40)):]
        elif op == "dup":
            text = text[:i] + text[i:i + 80] + text[i:]
        else:
            lines = text.split("\n")
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
    return text


@SETTINGS
@given(st.text(max_size=3000))
def test_cf_random_text_never_raises(text):
    doc = parse_cf(text)
    assert_positions(text, doc.problems)


@SETTINGS
@given(mutated())
def test_cf_mutated_real_configs(text):
    assert_positions(text, parse_cf(text).problems)


@SETTINGS
@given(st.text(max_size=3000))
def test_mc_random_text_never_raises(text):
    mc = parse_mc(text, "x.mc")
    assert_positions(text, mc.problems)
    doc, _info = mc_to_cf(text, "x.mc")  # the adapter too (no sendmail-cf: own defines)
    assert_positions(text, [p for p in doc.problems])


@SETTINGS
@given(mutated())
def test_mc_mutated_real_configs(text):
    assert_positions(text, parse_mc(text, "x.mc").problems)
    doc, _info = mc_to_cf(text, "x.mc")
    assert_positions(text, doc.problems)


NAMES = sorted(s.name for s in optdata.OPTIONS if len(s.name) > 1 and "." not in s.name)
SAFE = st.text(st.sampled_from(list("abcXYZ019/._-:,+=@")), min_size=0, max_size=30).map(
    lambda v: v.strip())


@st.composite
def valid_cf(draw):
    lines = ["V10/Berkeley"]
    for m in draw(st.lists(st.sampled_from(list("jwmSR")), unique=True, max_size=4)):
        lines.append(f"D{m}" + draw(SAFE))
    for name in draw(st.lists(st.sampled_from(NAMES), max_size=12)):
        lines.append(f"O {name}=" + draw(SAFE))
    lines.append("Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l")
    return "\n".join(lines) + "\n"


def model(doc):
    return ([(option_key(o), o.value) for o in doc.options], dict(doc.macro_raw),
            doc.config_level, doc.vendor, [ln.text for ln in doc.lines if ln.kind == "M"])


@SETTINGS
@given(valid_cf())
def test_print_and_reparse_gives_the_same_model(text):
    doc = parse_cf(text)
    again = parse_cf(render(doc))
    assert model(again) == model(doc)
    assert render(again) == render(doc)


# pem_blocks finds a block's body without a lazy ".*?" (for speed); this is the plain
# statement of what it must find, and of the base64 it must accept
_PEM_PLAIN = re.compile(rb"-----BEGIN ([A-Z0-9 .#-]+)-----[ \t]*\r?\n(.*?)-----END ([A-Z0-9 .#-]+)-----",
                        re.S)


def _pem_plain(data: bytes):
    out = []
    for m in _PEM_PLAIN.finditer(data):
        label = m.group(1).decode("ascii", "replace").strip()
        if m.group(3).decode("ascii", "replace").strip() != label:
            continue
        lines = m.group(2).decode("ascii", "replace").replace("\r", "").split("\n")
        headers, b64 = [], []
        for ln in lines:
            if ":" in ln and not b64:
                k, v = ln.split(":", 1)
                headers.append((k.strip(), v.strip()))
            else:
                b64.append(ln.strip())
        try:
            der = base64.b64decode("".join(b64), validate=True)
        except (binascii.Error, ValueError):
            der = None
        out.append((label, data.count(b"\n", 0, m.start()) + 1, tuple(headers), der or None))
    return out


_PEM_PIECES = st.sampled_from([
    b"-----BEGIN CERTIFICATE-----\n", b"-----END CERTIFICATE-----", b"-----END X-----",
    b"-----BEGIN X-----\r\n", b"MIIB", b"AAAA", b"QUJD\n", b"=", b"==\n", b"-", b"-----",
    b"----END ", b"END ", b"\n", b"\r\n", b" \t", b"\x1f", b"\xa0", b"Proc-Type: 4,ENCRYPTED\n",
    b"x:y\n", b"#", b"."])


@st.composite
def _pem_block(draw):
    """A block likely to decode: base64 lines with odd white space, headers, noise."""
    label = draw(st.sampled_from([b"CERTIFICATE", b"X509 CRL", b"RSA PRIVATE KEY", b"X"]))
    body = base64.b64encode(draw(st.binary(max_size=40)))
    cut = draw(st.lists(st.integers(0, len(body)), max_size=3))
    lines = [body[i:j] for i, j in zip([0, *sorted(cut)], [*sorted(cut), len(body)])]
    ws = st.sampled_from([b"", b" ", b"\t", b"\r", b"\x0b", b"\x1c", b"\x1f", b"\xa0"])
    lines = [draw(ws) + ln + draw(ws) for ln in lines]
    head = draw(st.sampled_from([b"", b"Proc-Type: 4,ENCRYPTED\n", b"x:y\n\n"]))
    end = draw(st.sampled_from([label, label, b"Y"]))
    return (b"-----BEGIN " + label + b"-----\n" + head + b"\n".join(lines) + b"\n-----END "
            + end + b"-----\n")


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.one_of(_PEM_PIECES, _pem_block()), max_size=12).map(b"".join))
def test_pem_blocks_is_the_plain_reading(data):
    got = [(b.label, b.line, b.headers, b.der) for b in pem_blocks(data)]
    assert got == _pem_plain(data)

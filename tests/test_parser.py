"""The cf reader: logical lines, positions, comments, option splitting, robustness."""
import json

from hypothesis import given, settings, strategies as st

from cflint.cf.parser import expand_macros, header_version, parse, strip_comment
from cflint.cli import main


def opts(text):
    return [(o.name, o.value, o.line, o.column, o.form) for o in parse(text).options]


def test_logical_lines_and_positions():
    doc = parse("V10/Berkeley\nO A=1\n\tcontinued\nO B=2\n\nDj x\n")
    kinds = [(ln.kind, ln.line, ln.end_line) for ln in doc.lines]
    assert kinds == [("V", 1, 1), ("O", 2, 3), ("O", 4, 4), ("D", 6, 6)]
    # sendmail names the last physical line of a folded line
    assert [(o.name, o.line, o.first_line) for o in doc.options] == [("A", 3, 2), ("B", 4, 4)]
    assert doc.options[0].value == "1\n\tcontinued"


def test_comment_lines_swallow_their_continuations():
    doc = parse("# c\n\tO Bogus=1\nO A=1\n")
    assert [o.name for o in doc.options] == ["A"]


def test_mid_line_comments_only_after_v3():
    before = opts("O ServerKeyFile=/k.pem # note\n")
    assert before[0][1] == "/k.pem # note"
    after = opts("V10/Berkeley\nO ServerKeyFile=/k.pem # note\nO A=/x\\#y\nO B=$#z\n")
    assert [v for _, v, *_ in after] == ["/k.pem", "/x#y", "$#z"]
    assert strip_comment("O Bog#us=1", 10) == "O Bog"


def test_name_value_split():
    o = opts("V10\nO ServerKeyFile = /path\nO LogLevel\nO A=\t/p\nO Timeout.queuereturn=5d\n")
    assert o[0][:2] == ("ServerKeyFile", "/path")
    assert o[1][:2] == ("LogLevel", "")
    assert o[2][1] == "\t/p"  # a TAB after '=' stays in the value
    assert parse("V10\nO Timeout.queuereturn=5d\n").options[0].sub == "queuereturn"
    short = parse("V10\nOL9\nOServerCertFile=/x\n").options
    assert [(s.form, s.name, s.value) for s in short] == [("short", "L", "9"),
                                                          ("short", "S", "erverCertFile=/x")]


def test_syntax_problems_and_lines():
    doc = parse("\tfirst\nV10/Berkeley\no lower\nO\tX=1\nO  X=1\nO =x\nR$*\tx\nSx\nR$* x\n"
                "Pfoo\nVx\nV10/Acme\nMlocal, P=/bin/true, A=true\n")
    got = [(p.line, p.sendmail.split(":")[0][:20]) for p in doc.problems]
    assert [line for line, _ in got] == [1, 3, 4, 5, 6, 7, 9, 10, 11, 12]


def test_crlf_and_macros():
    doc = parse("V10/Berkeley\r\nDj mail.example\r\nD{tls}/etc/mail/tls\r\n"
                "O ServerCertFile=${tls}/s.crt\r\nO A=$$x$j\r\n")
    assert [o.expanded for o in doc.options] == ["/etc/mail/tls/s.crt", "$x mail.example"]
    assert expand_macros("$q/x", {}) == "/x"


def test_header_version():
    assert header_version("V10/Berkeley\nDZ8.17.1.9\n") == "8.17.1.9"
    assert header_version("##### built by x\n# sendmail 8.15.2 config\nV10\n") == "8.15.2"
    assert header_version("V10/Berkeley\n") is None


def test_target_version_comes_from_the_header(tmp_path):
    cf = tmp_path / "sendmail.cf"
    cf.write_text("V10/Berkeley\nDZ8.15.2\nO CipherSuites=TLS_AES_256_GCM_SHA384\n")
    out = tmp_path / "o.json"
    main(["check", str(cf), "--format", "json", "-o", str(out), "--select", "CF007"])
    f = json.loads(out.read_text())["findings"]
    assert [x["code"] for x in f] == ["CF007"] and "8.17.1" in f[0]["message"]
    main(["check", str(cf), "--format", "json", "-o", str(out), "--select", "CF007",
          "--target-version", "8.17"])
    assert json.loads(out.read_text())["findings"] == []


def test_hostile_bytes_do_not_crash(tmp_path):
    data = (b"V10/Berkeley\r\nO ServerCertFile=/x\xff\xfe.pem\n\x00\x01O A=1\r"
            + b"O " + b"x" * 200_000 + b"\n" + b"\t" * 5 + b"\n" * 3 + b"\tcont\n" * 2000)
    cf = tmp_path / "sendmail.cf"
    cf.write_bytes(data)
    out = tmp_path / "o.json"
    assert main(["check", str(cf), "--format", "json", "-o", str(out)]) in (0, 1)
    findings = json.loads(out.read_text())["findings"]
    assert all(f["line"] >= 1 for f in findings)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("OVDCRSHMXKP#= \t\n\r.:/,$\\x{}-1aZ?")),
               max_size=300))
def test_any_text_reads_without_raising(text):
    doc = parse(text)
    n = text.replace("\r\n", "\n").count("\n") + 1
    for p in doc.problems:
        assert 1 <= p.line <= n and p.column >= 1
    for o in doc.options:
        assert 1 <= o.first_line <= o.line <= n

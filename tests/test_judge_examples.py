"""The bundled example installations, judged by the real sendmail: the good one is
accepted as it is, and cflint's daemon-fails findings on the broken one are exactly the
lines sendmail rejects. (sendmail reads the host's paths, so cflint does too here; that
the good example is clean under --root is test_cli's job.)"""
from pathlib import Path

import pytest

import sendmail_judge as sj

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CFS = sorted(EXAMPLES.glob("*/etc/mail/*.cf"))


@pytest.mark.parametrize("cf", CFS, ids=lambda p: f"{p.parts[-4]}/{p.name}")
def test_example_agrees_with_sendmail(cf, sendmail, sendmail_version, tmp_path):
    verdict = sj.judge(cf, sendmail)
    result = sj.lint(cf, tmp_path, target=sendmail_version)
    assert result.exit_code in (0, 1), result.stderr
    text = sj.read_cf(cf)
    assert sj.disagreements(verdict, result, text) == [], verdict.output
    if cf.parts[-4] == "good":
        assert not verdict.rejected, verdict.output
    elif cf.name == "sendmail.cf":
        assert verdict.rejected  # the broken MTA config does not even start

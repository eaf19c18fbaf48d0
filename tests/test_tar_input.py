"""Tar archives as input: the same scenarios, packed as archives, give the same findings
as on disk; bad archives are CF012 findings, never crashes."""
import json
import tarfile
from pathlib import Path

import pytest

from cflint.cli import main
from test_rules import NOW, RULES_DIR, build_scenario

SAFETY = sorted(p for p in RULES_DIR.glob("CF[56]0*/*") if (p / "scenario").exists())


def run(argv, tmp_path):
    out = tmp_path / "out.json"
    code = main(["check", *argv, "--format", "json", "--fail-on", "never", "-o", str(out),
                 "--now", NOW])
    assert code == 0
    return json.loads(out.read_text())["findings"]


def keyset(findings):
    """What a finding says, independent of how its file is named (dir vs archive)."""
    return sorted((f["code"], f["line"], f["path"].rsplit("!", 1)[-1].rsplit("/", 1)[-1],
                   f["level"], tuple(f["impacts"])) for f in findings)


def pack(root: Path, archive: Path):
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname=".")  # keeps modes, owners and symlinks


@pytest.mark.parametrize("fx", SAFETY, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_archive_gives_the_same_findings_as_the_tree(fx, tmp_path):
    targets, args, _expected, _u = build_scenario(fx, tmp_path)
    root = Path(args[args.index("--root") + 1])
    on_disk = run([*targets, *args], tmp_path)
    archive = tmp_path / "host.tar.gz"
    pack(root, archive)
    args[args.index("--root") + 1] = str(archive)
    in_archive = run([*targets, *args], tmp_path)
    assert keyset(in_archive) == keyset(on_disk)
    assert all(f["path"].startswith(str(archive) + "!") for f in in_archive
               if f["code"] not in ("CF203", "CF206"))
    # an archive given as the path finds its /etc/mail by itself
    rest = [a for i, a in enumerate(args) if a != "--root" and args[i - 1] != "--root"]
    assert keyset(run([str(archive), *rest], tmp_path)) == keyset(on_disk)


@pytest.mark.parametrize("content", [b"", b"not a tar archive at all\n",
                                     b"\x1f\x8b\x08\x00truncated"])
def test_bad_archive_is_cf012(content, tmp_path):
    bad = tmp_path / "host.tar.gz"
    bad.write_bytes(content)
    f = run([str(bad)], tmp_path)
    assert [x["code"] for x in f] == ["CF012"]
    assert "host.tar.gz" in f[0]["message"] and "\n" not in f[0]["message"]


def test_archive_of_etc_mail_only(tmp_path):
    """tar -C /etc -czf mail.tgz mail: the configs are found at /mail."""
    src = Path(__file__).resolve().parents[1] / "examples" / "broken" / "etc"
    archive = tmp_path / "mail.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(src / "mail", arcname="mail")
    f = run([str(archive)], tmp_path)
    assert {x["path"] for x in f if x["code"] == "CF003"} == {f"{archive}!/mail/sendmail.cf"}

"""The read-only views: --root re-basing, links that would leave the root."""
import json
import os

import pytest

from cflint.cli import main
from cflint.fs import EscapeError, LiveFS, NotRegularError, RootFS, TooLargeError

CF = "V10/Berkeley\nO Bogus=1\n"


def tree(tmp_path):
    root = tmp_path / "root"
    (root / "etc" / "mail").mkdir(parents=True)
    (root / "etc" / "mail" / "real.cf").write_text(CF)
    return root


def test_absolute_link_is_read_inside_the_root(tmp_path):
    root = tree(tmp_path)
    os.symlink("/etc/mail/real.cf", root / "etc" / "mail" / "sendmail.cf")
    fs = RootFS(str(root))
    assert fs.read("/etc/mail/sendmail.cf") == CF.encode()
    assert fs.host_path("/etc/mail/sendmail.cf") == str(root / "etc" / "mail" / "real.cf")


def test_relative_escape_is_refused_and_reported(tmp_path):
    root = tree(tmp_path)
    (tmp_path / "outside.cf").write_text(CF)
    os.symlink("../../../outside.cf", root / "etc" / "mail" / "sendmail.cf")
    fs = RootFS(str(root))
    with pytest.raises(EscapeError):
        fs.read("/etc/mail/sendmail.cf")
    out = tmp_path / "o.json"
    assert main(["check", "--root", str(root), "--format", "json", "-o", str(out)]) == 1
    f = json.loads(out.read_text())["findings"]
    assert [x["code"] for x in f] == ["CF012"]
    assert "leaves the root" in f[0]["message"]


def test_dotdot_in_path_cannot_leave_the_root(tmp_path):
    """'/..' is '/', as on the host: the walk stays at the top of the re-based tree."""
    root = tree(tmp_path)
    (root / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("outside\n")
    fs = RootFS(str(root))
    assert fs.host_path("/../../etc/passwd") == str(root / "etc" / "passwd")
    assert fs.read("/../etc/mail/../passwd").startswith(b"root:")


def test_link_loop_is_an_error_not_a_hang(tmp_path):
    root = tree(tmp_path)
    os.symlink("b", root / "etc" / "a")
    os.symlink("a", root / "etc" / "b")
    with pytest.raises(OSError):
        RootFS(str(root)).read("/etc/a")


def test_read_refuses_non_regular_and_large(tmp_path):
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularError):
        LiveFS().read(str(fifo))
    big = tmp_path / "big"
    big.write_bytes(b"x" * 100)
    with pytest.raises(TooLargeError):
        LiveFS().read(str(big), limit=10)


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 1 << 20, (1 << 20) + 7])
def test_read_gives_every_byte(tmp_path, size):
    data = os.urandom(size)
    (tmp_path / "f").write_bytes(data)
    assert LiveFS().read(str(tmp_path / "f")) == data
    assert LiveFS().read(str(tmp_path / "f"), limit=size) == data  # at the limit: fine
    if size:
        with pytest.raises(TooLargeError):
            LiveFS().read(str(tmp_path / "f"), limit=size - 1)


def test_read_a_file_whose_size_says_nothing():
    """/proc files are regular with st_size 0 yet hold text: read to the end all the same."""
    text = LiveFS().read("/proc/self/status")
    assert os.stat("/proc/self/status").st_size == 0 and b"\nPid:" in text
    with pytest.raises(TooLargeError):
        LiveFS().read("/proc/self/status", limit=5)


def test_views_cannot_write():
    for cls in (LiveFS, RootFS):
        assert not any(hasattr(cls, name) for name in ("write", "open", "unlink", "mkdir"))


def test_walk_is_the_kernels(tmp_path):
    """'..' after a link is the parent of its target; every component but the last must
    exist and be a directory; a trailing slash wants a directory; '//' and '.' are nothing."""
    root = tree(tmp_path)
    (root / "srv" / "certs").mkdir(parents=True)
    (root / "srv" / "x.pem").write_text("x")
    os.symlink("/srv/certs", root / "etc" / "mail" / "certs")
    fs = RootFS(str(root))
    assert fs.host_path("/etc/mail/certs/../x.pem") == str(root / "srv" / "x.pem")
    assert fs.read("/etc//mail/./real.cf") == CF.encode()
    for path, err in (("/missing/../etc/mail/real.cf", FileNotFoundError),
                      ("/etc/mail/real.cf/../real.cf", NotADirectoryError),
                      ("/etc/mail/real.cf/", NotADirectoryError)):
        with pytest.raises(err):
            fs.stat(path)
        with pytest.raises(err):
            os.stat(str(root) + path)  # the host says the same of the same walk
    assert fs.lstat("/etc/mail/certs/").st_ino == os.stat(root / "srv" / "certs").st_ino

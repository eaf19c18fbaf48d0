"""cflint.pathwalk.resolve, the one path walk of the re-based views (RootFS, TarFS) and so
of the safefile model that reads through them: every edge, once, on a tree given as data;
then the same walk against the kernel's on a real directory tree (relative links only,
where the kernel and a re-based view must agree)."""
import errno
import os

import pytest

from cflint.pathwalk import MAX_LINKS, resolve


class Escape(Exception):
    pass


def walk(tree: dict, path: str, follow_last: bool = True) -> str:
    """``tree``: canonical path -> "dir", "file" or ("link", target)."""
    def lookup(canon):
        kind = tree.get(canon)
        if kind is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", canon)
        if isinstance(kind, tuple):
            return False, kind[1]
        return kind == "dir", None

    return resolve(path, lookup, follow_last, Escape)


TREE = {
    "/etc": "dir", "/etc/mail": "dir", "/etc/mail/tls": "dir",
    "/etc/mail/tls/key.pem": "file",
    "/etc/mail/certs": ("link", "tls"),                   # relative
    "/etc/mail/abs": ("link", "/etc/mail/tls"),           # absolute: inside the tree
    "/etc/mail/key": ("link", "tls/key.pem"),
    "/etc/mail/up": ("link", "../../.."),                 # climbs above the top
    "/etc/mail/up2": ("link", "../../../etc/mail"),       # climbs above it, then back in
    "/etc/mail/loop": ("link", "loop"),
    "/etc/mail/ping": ("link", "pong"), "/etc/mail/pong": ("link", "ping"),
    "/etc/mail/empty": ("link", ""),
    "/etc/mail/deep": ("link", "/etc/mail/tls/.."),
}


@pytest.mark.parametrize("path, want", [
    ("/etc/mail/tls/key.pem", "/etc/mail/tls/key.pem"),
    ("//etc///mail/./tls/key.pem", "/etc/mail/tls/key.pem"),   # // and . are nothing
    ("etc/mail/tls", "/etc/mail/tls"),                         # relative: from the top
    ("/..", "/"), ("/../..", "/"), ("/../etc/mail", "/etc/mail"),   # /.. is /
    ("/etc/mail/tls/..", "/etc/mail"),
    ("/etc/mail/certs/key.pem", "/etc/mail/tls/key.pem"),      # relative link
    ("/etc/mail/abs/key.pem", "/etc/mail/tls/key.pem"),        # absolute link, re-based
    ("/etc/mail/key", "/etc/mail/tls/key.pem"),
    ("/etc/mail/certs/..", "/etc/mail"),      # .. after a link: the target's parent
    ("/etc/mail/deep", "/etc/mail"),
    ("/etc/mail/tls/", "/etc/mail/tls"),      # trailing slash on a directory
])
def test_resolves(path, want):
    assert walk(TREE, path) == want


def test_last_link_kept_unless_followed():
    assert walk(TREE, "/etc/mail/key", follow_last=False) == "/etc/mail/key"
    assert walk(TREE, "/etc/mail/certs/", follow_last=False) == "/etc/mail/tls"  # a dir wanted
    with pytest.raises(NotADirectoryError):
        walk(TREE, "/etc/mail/key/", follow_last=False)   # followed: a file, not a directory
    assert walk(TREE, "/etc/mail/certs/key.pem", follow_last=False) == "/etc/mail/tls/key.pem"


@pytest.mark.parametrize("path", ["/etc/mail/up", "/etc/mail/up/etc", "/etc/mail/up2"])
def test_link_climbing_above_the_top_escapes(path):
    with pytest.raises(Escape, match="/etc/mail/up"):
        walk(TREE, path)


@pytest.mark.parametrize("path, code", [
    ("/etc/mail/missing", errno.ENOENT),
    ("/etc/missing/../mail", errno.ENOENT),      # the kernel walks the missing name too
    ("/etc/mail/tls/key.pem/x", errno.ENOTDIR),
    ("/etc/mail/tls/key.pem/", errno.ENOTDIR),   # trailing slash on a file
    ("/etc/mail/tls/key.pem/..", errno.ENOTDIR),
    ("/etc/mail/loop", errno.ELOOP),
    ("/etc/mail/ping/x", errno.ELOOP),
    ("/etc/mail/empty", errno.ENOENT),
])
def test_fails_as_the_kernel_does(path, code):
    with pytest.raises(OSError) as e:
        walk(TREE, path)
    assert e.value.errno == code and not isinstance(e.value, Escape)


def chain(n: int) -> dict:
    tree = {"/d": "dir", "/d/end": "file"}
    for i in range(n):
        tree[f"/d/l{i}"] = ("link", f"l{i + 1}" if i + 1 < n else "end")
    return tree


def test_link_limit_is_the_kernels():
    assert walk(chain(MAX_LINKS), "/d/l0") == "/d/end"
    with pytest.raises(OSError) as e:
        walk(chain(MAX_LINKS + 1), "/d/l0")
    assert e.value.errno == errno.ELOOP


# ---------------------------------------------------------------- against the kernel

def _tree_from_disk(top: str) -> dict:
    tree = {}
    for d, dirs, files in os.walk(top):
        for name in dirs + files:
            p = os.path.join(d, name)
            canon = "/" + os.path.relpath(p, top)
            if os.path.islink(p):
                tree[canon] = ("link", os.readlink(p))
            else:
                tree[canon] = "dir" if os.path.isdir(p) else "file"
    return tree


KERNEL_PATHS = ["a/b/f", "a/lb/f", "a/lb/../b/f", "a/lb/..", "a/ll/f", "a/b/../lb/f",
                "a/lup/a/b/f", "a/b/f/", "a/b/f/..", "a/missing/../b/f", "a/lloop",
                "a/ldot/./b/f", "a/lb/", "a/b//f", "a/./b/./f"]


@pytest.mark.parametrize("rel", KERNEL_PATHS)
def test_agrees_with_the_kernel(tmp_path, rel):
    top = tmp_path / "top"
    (top / "a" / "b").mkdir(parents=True)
    (top / "a" / "b" / "f").write_text("x")
    os.symlink("b", top / "a" / "lb")
    os.symlink("lb", top / "a" / "ll")
    os.symlink("..", top / "a" / "lup")
    os.symlink("lloop", top / "a" / "lloop")
    os.symlink(".", top / "a" / "ldot")
    tree = _tree_from_disk(str(top))
    try:
        real = os.path.realpath(os.path.join(top, rel), strict=True)
        os.stat(os.path.join(top, rel))   # realpath keeps a trailing-slash file: stat does not
        inside = os.path.relpath(real, top)
        kernel = "/" if inside == "." else "/" + inside
    except OSError as e:
        kernel = e.errno
    try:
        ours = walk(tree, "/" + rel)
    except OSError as e:
        ours = e.errno
    assert ours == kernel

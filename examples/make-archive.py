#!/usr/bin/env python3
"""Pack examples/broken as a host snapshot that records modes and owners.

    python examples/make-archive.py          # write examples/broken-host.tar.gz
    python examples/make-archive.py --check  # exit 1 when it differs from the tree

git records neither owners nor modes, so in a clone the files of examples/broken are
tracked and cflint skips its permission rules there (CF011). The archive carries the
deployed modes, as `tar czf host.tar.gz /etc` on the host would, with the permission
mistakes the MSP and the MTA silently suffer:

- etc/mail/tls/server.key 0644: group- and world-readable (CF501);
- etc/mail/msp/ 0775 root:smmsp: a group-writable directory on the MSP's path (CF504);
- etc/mail/msp/client.key 0600 root:root: the MSP, run by a user through the set-group-ID
  smmsp binary, cannot read it (CF601).

Everything else is root:root, directories 0755, keys 0600, other files 0644. The bytes
are reproducible (sorted members, fixed times, no gzip name or time).
"""
import gzip
import io
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TREE = HERE / "broken"
ARCHIVE = HERE / "broken-host.tar.gz"
MTIME = 1782864000  # 2026-07-01T00:00:00Z
SMMSP_GID = 122     # examples/broken/etc/group
SPECIAL = {  # path: (mode, uid, gid)
    "etc/mail/tls/server.key": (0o644, 0, 0),
    "etc/mail/msp": (0o775, 0, SMMSP_GID),
    "etc/mail/msp/client.key": (0o600, 0, 0),
}
GROUPS = {0: "root", SMMSP_GID: "smmsp"}


def build() -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for p in sorted([TREE / "etc", *(TREE / "etc").rglob("*")]):
            rel = p.relative_to(TREE).as_posix()
            info = tarfile.TarInfo(rel)
            info.mtime = MTIME
            if p.is_symlink():
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, str(p.readlink()), 0o777
                data = None
            elif p.is_dir():
                info.type, info.mode, data = tarfile.DIRTYPE, 0o755, None
            else:
                data = p.read_bytes()
                info.size = len(data)
                info.mode = 0o600 if b"PRIVATE KEY" in data else 0o644
            mode, info.uid, info.gid = SPECIAL.get(rel, (info.mode, 0, 0))
            info.mode = mode
            info.uname, info.gname = "root", GROUPS[info.gid]
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def main(argv: list[str]) -> int:
    data = build()
    if "--check" in argv:
        if not ARCHIVE.exists() or ARCHIVE.read_bytes() != data:
            print(f"{ARCHIVE.name} is stale: run python examples/make-archive.py",
                  file=sys.stderr)
            return 1
        return 0
    ARCHIVE.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The commands that lint nothing: ``--version``, ``rules``, ``rule CODE`` and ``hash``."""
from __future__ import annotations

from .. import __version__
from ..errors import EXIT_CLEAN, EXIT_ERROR, UsageError, print_error
from . import make_engine


def version() -> int:
    eng = make_engine()
    print(f"cflint {__version__}")
    for name, dist in sorted(eng.packs.items()):
        print(f"  rule pack {name}: {dist}")
    return EXIT_CLEAN


def rules(args) -> int:
    eng = make_engine()
    if args.format == "json":
        import json

        print(json.dumps([meta_dict(r.meta) for r in eng.rules], indent=2))
        return EXIT_CLEAN
    width = max((len(r.meta.name) for r in eng.rules), default=10)
    for r in eng.rules:
        m = r.meta
        print(f"{m.code}  {m.name:<{width}}  {m.level:<7}  {', '.join(m.impacts):<34}  "
              f"{m.summary}")
    return EXIT_CLEAN


def meta_dict(m) -> dict:
    return {"code": m.code, "name": m.name, "level": m.level, "impacts": list(m.impacts),
            "summary": m.summary, "rationale": m.rationale, "fix": m.fix,
            "references": list(m.references), "versions": m.versions, "pack": m.pack,
            "suppressible": m.suppressible}


def hash_files(args) -> int:
    """One hash a line, as openssl x509 -noout -hash prints it (the first certificate of a
    PEM file, or a DER file); a file that holds none is an error line, exit 2."""
    from ..fs import LiveFS
    from ..pki import subject_hash as sh
    from ..pki.load import pem_blocks

    fs, code = LiveFS(), EXIT_CLEAN
    for name in args.files:
        try:
            data = fs.read(name, 64 * 1024 * 1024)
        except OSError as e:
            print_error(f"{name}: {e.strerror or e}")
            code = EXIT_ERROR
            continue
        der = next((b.der for b in pem_blocks(data) if b.label in (
            "CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE") and b.der), None)
        if der is None and data[:1] == b"\x30":
            der = data
        try:
            if der is None:
                raise sh.SubjectHashError("no certificate in the file")
            cur, old = sh.cert_hashes(der)
        except (sh.SubjectHashError, ValueError) as e:
            print_error(f"{name}: {e}")
            code = EXIT_ERROR
            continue
        print(old if args.old else cur)
    return code


def rule(args) -> int:
    eng = make_engine()
    r = eng.rule(args.code)
    if r is None:
        raise UsageError(f"unknown rule {args.code!r} (see 'cflint rules')")
    from ..ruledoc import markdown

    print(markdown(r.meta), end="")
    return EXIT_CLEAN

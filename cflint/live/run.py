"""Judging observations: the static rules on the configuration (when given), then the
rules of the command (``probe`` or ``logs``) on a LiveModel that holds both."""
from __future__ import annotations

import os

from .model import LiveModel


def configuration(config: str | None, root: str | None, settings):
    """The Installation of ``--config`` (a directory or a .cf/.mc file), or None."""
    if not config:
        return None
    from ..errors import UsageError
    from ..inputs import discover, installations

    groups = discover([config], root)
    insts = [i for i, _shown, opened in installations(groups, settings) if opened]
    if not insts:
        raise UsageError(f"--config {config}: cannot be read")
    return insts[0]


def judge(engine, kind: str, observations: list[dict], installation, select=(), ignore=(),
          now=None, sources=()):
    """(findings of the live rules, the static findings, the metas of both)."""
    static, static_rules = [], []
    if installation is not None:
        static_rules = engine.select(inputs="config")
        static = engine.run(installation, static_rules)
    rules = engine.select(select, ignore, inputs=kind)
    model = LiveModel(kind, observations, installation, static,
                      {r.meta.code: r.meta for r in engine.rules}, sources=list(sources))
    if now is not None:
        model.now = now
    found = engine.run(model, rules)
    return found, static, [r.meta for r in rules]


def ca_data(installation) -> tuple[str | None, str]:
    """PEM text of the trust anchors the MTA's configuration names, read through its
    file view (CACertFile, and the <hash>.N entries of CACertPath, which is what OpenSSL
    can find there), and a description; (None, why) when there are none."""
    if installation is None or installation.mta is None:
        return None, "no configuration"
    import ssl

    from ..pki.load import pem_blocks
    from ..pki.subject_hash import HASH_NAME

    mta = installation.mta
    pems: list[str] = []
    names = []
    for option in ("CACertFile", "CACertPath"):
        value = mta.value(option)
        if not value or not value.startswith("/"):
            continue
        paths = [value]
        if option == "CACertPath":
            try:
                entries = installation.fs.listdir(value)
            except (OSError, AttributeError):
                entries = []
            paths = [os.path.join(value, e) for e in sorted(entries)
                     if (m := HASH_NAME.match(e)) and not m.group(2)]   # no CRLs
        for p in paths:
            f = installation.files.at(p)
            if f.is_regular and f.data and b"-----BEGIN" in f.data:
                pems.extend(ssl.DER_cert_to_PEM_cert(b.der) for b in pem_blocks(f.data)
                            if b.label == "CERTIFICATE" and b.der)
        names.append(f"{option} {value}")
    if not pems:
        return None, "the configured CACertFile/CACertPath hold no certificate"
    return "\n".join(pems), ", ".join(names)

"""The TLS files view: the files the configurations name (``TlsRef``: the config, option,
path, role, pair index), each path's lazily read, cached ``FileRef`` (read once per
installation), and the certificates they hold. A file the deployment view places on
another host is left out of ``tls()`` and listed by ``elsewhere()``."""
from __future__ import annotations


class TlsFiles:
    """The TLS files of one installation's configs, read through the file-system view."""

    def __init__(self, fs, settings, configs, deployment, memo):
        self.fs = fs
        self.settings = settings
        self.configs = configs   # the linted CfConfigs
        self.deployment = deployment
        self._memo = memo
        self._refs: dict = {}

    def at(self, path: str):
        """The lazily read, cached view (``FileRef``) of one referenced path."""
        ref = self._refs.get(path)
        if ref is None:
            from ..files import PEM_SIZE_LIMIT, FileRef

            limit = self.settings.max_file_size
            ref = self._refs[path] = FileRef(self.fs, path, limit or PEM_SIZE_LIMIT,
                                             self.deployment.elsewhere(path))
        return ref

    def tls(self, cfg=None) -> list:
        """Every TLS file the configurations (or ``cfg``) name, with its role; not those
        that live on the host a repository's configuration is deployed to (``elsewhere``)."""
        return self._memo(("tls_files", id(cfg)), lambda: [
            r for r in self._named(cfg) if self.deployment.elsewhere(r.path) is None])

    def elsewhere(self) -> list:
        """The TLS files the configurations name that are not here to inspect (see
        ``Deployment.elsewhere``): a rule says once that they were not checked."""
        return self._memo("elsewhere_files", lambda: [
            r for r in self._named(None) if self.deployment.elsewhere(r.path) is not None])

    def certificates(self) -> list[tuple[str, str, object]]:
        """(option, path, CertInfo) of every certificate in the files the configs name
        as ServerCertFile, ClientCertFile or CACertFile (for an inventory), once each."""
        out, seen = [], set()
        for ref in self.tls():
            if ref.option not in ("ServerCertFile", "ClientCertFile", "CACertFile"):
                continue
            f = self.at(ref.path)
            if not f.is_regular or f.data is None or b"CERTIFICATE-----" not in f.data:
                continue
            for c in (f.certs.certs if f.certs else []):
                if (ref.option, ref.path, c.sha256) not in seen:
                    seen.add((ref.option, ref.path, c.sha256))
                    out.append((ref.option, ref.path, c))
        return out

    def _named(self, cfg) -> list:
        from ..files import TlsRef

        out = []
        for c in ([cfg] if cfg else self.configs):
            server = c.role == "mta"
            roles = {
                "ServerCertFile": "server" if server else None,
                "ServerKeyFile": "server" if server else None,
                "ClientCertFile": "client", "ClientKeyFile": "client",
                "CACertFile": "ca-server" if server else "ca-client",
                "CACertPath": "capath", "DHParameters": "dh" if server else None,
                "CRLFile": "crl", "CRLPath": "crlpath",
            }
            cert_has_comma = {o: "," in (c.value(o) or "")
                              for o in ("ServerCertFile", "ClientCertFile")}
            for option, role in roles.items():
                s = c.get(option)
                if s is None or role is None:
                    continue
                value = s.value
                if option == "DHParameters" and not value.startswith("/"):
                    continue
                names = [value]
                pair_cert = option.replace("Key", "Cert")
                if option.endswith(("CertFile", "KeyFile")) and option != "CACertFile" and \
                        cert_has_comma.get(pair_cert):
                    names = value.split(",", 1)
                for i, name in enumerate(names, 1):
                    if is_defined_path(name):
                        out.append(TlsRef(c, option, name, role, i, s))
        return out


def is_defined_path(value: str | None) -> bool:
    """tls.c tls_ok_f(): a path counts only if non-empty and absolute."""
    return bool(value) and value.startswith("/")

"""cflint's built-in rule pack. It is registered through the ``cflint`` entry point,
exactly like a third-party pack (see pyproject.toml)."""
from cflint.api import hookimpl

from . import certs, framework, keys, strength, tls_options, values


@hookimpl
def cflint_register_rules():
    return [
        framework.ParseError(),
        framework.UnknownOption(),
        framework.OneLetterTrap(),
        framework.AbbreviatedOption(),
        framework.DuplicateOption(),
        framework.NotInTargetVersion(),
        values.InvalidOptionValue(),
        framework.InputUnreadable(),
        tls_options.ServerTlsIncomplete(),
        tls_options.ClientTlsIncomplete(),
        tls_options.SslOptionInvalid(),
        tls_options.FingerprintAlgorithmInvalid(),
        keys.NotInspected(),
        keys.EncryptedPrivateKey(),
        keys.KeyCertMismatch(),
        keys.CaPrivateKeyOnServer(),
        keys.KeyUnreadableFormat(),
        keys.KeyTooWeak(),
        keys.StrayPrivateKey(),
        certs.CertUnreadableFormat(),
        certs.CertExpired(),
        certs.CertExpiringSoon(),
        certs.WeakSignature(),
        certs.ChainNotVerified(),
        certs.EkuMissing(),
        certs.HostnameMismatch(),
        certs.CaCertNotCa(),
        certs.ChainFileIgnored(),
        certs.LifetimeTooLong(),
        certs.SelfSignedServerCert(),
        strength.CipherListInvalid(),
        strength.CipherListWeak(),
        strength.LegacyProtocols(),
        strength.DhParametersWeak(),
        strength.CrlUnusable(),
        strength.RandFileUnusable(),
        strength.DowngradeEnabled(),
        strength.AuthBeforeTls(),
    ]

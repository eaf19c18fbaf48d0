"""cflint's built-in rule pack. It is registered through the ``cflint`` entry point,
exactly like a third-party pack (see pyproject.toml)."""
from cflint.api import hookimpl

from . import framework, tls_options, values


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
    ]

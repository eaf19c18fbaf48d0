"""What the running server does: ``cflint probe`` (an SMTP client that speaks to it) and
``cflint logs`` (sendmail's STARTTLS lines in the mail log).

Both produce *observations*, plain JSON-ready dicts; the ``probe`` and ``logs`` rules of
the rule packs judge them (with the static findings of the configuration, when given).
Nothing here reads a linted tree: the configuration is read by the model, as always.
"""

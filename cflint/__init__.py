"""cflint: a static-analysis linter for sendmail STARTTLS configurations."""
__version__ = "0.1.0"

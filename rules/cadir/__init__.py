"""The CA directory and its hash links (CF401-CF408).

OpenSSL finds a CA in CACertPath by the subject hash of the issuer name it looks for: it
opens <hash>.0, <hash>.1, ... in turn and stops at the first name that does not exist. A
missing, stale or misnumbered link makes {verify} FAIL without any error at start-up.
One module per rule; index.py reads a directory as that lookup sees it.
"""

"""Shared test set-up. Add fixtures below; keep each one small and documented."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:  # helpers are imported as plain modules (sendmail_judge, ...)
    sys.path.insert(0, str(TESTS))

import sendmail_judge  # noqa: E402


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared material (corpus, reference): X/shared beside the X/<project> checkout,
    or $CFLINT_SHARED."""
    return sendmail_judge.shared_path()


@pytest.fixture(scope="session")
def sendmail() -> str:
    """The real sendmail binary, ready to judge: the host name is given a dotted form in
    /etc/hosts first (else every run stalls ~60 s). Fails under CI=true, skips locally."""
    return sendmail_judge.require_sendmail()


@pytest.fixture(scope="session")
def sendmail_version(sendmail) -> str:
    """The installed sendmail's version, as it reports it (e.g. "8.17.1.9")."""
    return sendmail_judge.installed_version()

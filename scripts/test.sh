#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian 12/13 machine, then run them.
# System packages: sendmail (the judge the tests run on their own fixtures), m4, git,
# npm (for the SARIF Multitool) and chromium (the audit report's browser test).
# Python packages: cflint and its test extras, in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v sendmail-mta >/dev/null 2>&1 || need_apt+=(sendmail-bin)
[ -d /usr/share/sendmail/cf/m4 ] || need_apt+=(sendmail-cf)
command -v m4 >/dev/null 2>&1 || need_apt+=(m4)
command -v setpriv >/dev/null 2>&1 || need_apt+=(util-linux)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v git >/dev/null 2>&1 || need_apt+=(git)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # sendmail's post-install script cannot start the service in a container; harmless
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# sendmail stalls ~60 s at every start when the host name has no dotted form
host=$(hostname)
if ! grep -qE "^[^#]*[[:space:]]${host}\.[^[:space:]]+" /etc/hosts 2>/dev/null; then
  if [ -w /etc/hosts ]; then
    echo "127.0.1.1 ${host}.example.test ${host}" >> /etc/hosts
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# Microsoft's SARIF Multitool (GitHub's ingestion rules), from the npm registry
MT=.tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -x "$MT" ]; then
  npm install --silent --no-save --no-audit --no-fund --prefix .tools \
    @microsoft/sarif-multitool@5 >/dev/null
  chmod u+x "$MT"
fi

exec .venv/bin/python -m pytest "$@"

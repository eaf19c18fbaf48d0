"""The cflint the benchmarks time: by default a regular install (``pip install .``) into
a throw-away virtual environment, as a user gets it — not the editable development
install, whose import hook costs a further ~13 ms at every start (the .pth-file finder
imports pathlib and importlib.util before cflint runs). ``--cflint CMD`` times another
command instead (an installed ``cflint``, say)."""
import os
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def add_option(ap) -> None:
    ap.add_argument("--cflint", metavar="CMD",
                    help="time this command instead of a fresh regular install of the checkout")


def command(option: str | None, tmp: str) -> list[str]:
    """The command to time: ``option`` split, or cflint installed from the checkout."""
    if option:
        return shlex.split(option)
    venv = Path(tmp) / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", str(REPO)], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return [str(venv / "bin" / "cflint")]

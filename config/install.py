"""Install a pinned requirements file into the virtual environment with uv (ADR 0013).

`python config/install.py VENV requirements-dev.txt` installs uv into VENV at the version
pinned in the requirements file (`uv==X`), then lets uv install the whole file: seconds,
where pip takes minutes. uv does not read pip's configuration, so the package sources pip
is configured with (`pip config list`: /etc/pip.conf, ~/.config/pip, PIP_* variables) are
handed to uv as its UV_* variables, unless these are set already: the same indexes, local
wheel folders, certificate bundle and constraints. If uv cannot be had or fails, pip
installs the file as before. Runs on the standard library only (the venv is bare here).
"""

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

# pip's option -> (uv's variable, how several values are joined)
_PIP_TO_UV = {
    "index-url": ("UV_INDEX_URL", " "),
    "extra-index-url": ("UV_EXTRA_INDEX_URL", " "),
    "find-links": ("UV_FIND_LINKS", ","),
    "constraint": ("UV_CONSTRAINT", " "),
    "cert": ("SSL_CERT_FILE", " "),
    "timeout": ("UV_HTTP_TIMEOUT", " "),
    "default-timeout": ("UV_HTTP_TIMEOUT", " "),
    "no-index": ("UV_NO_INDEX", " "),
}
_LINE = re.compile(r"^(?P<scope>[^.]*)\.(?P<key>[a-z0-9-]+)='(?P<value>.*)'$")


def pip_options(pip: Path) -> dict[str, str]:
    """pip's configured options, later scopes (user, environment) over earlier ones."""
    listed = subprocess.run(  # noqa: S603 (pip of the venv, fixed arguments)
        [str(pip), "config", "list"], capture_output=True, text=True, check=False
    ).stdout
    options: dict[str, str] = {}
    for line in listed.splitlines():
        match = _LINE.match(line.strip())
        if match:
            options[match["key"]] = match["value"]
    return options


def uv_environment(options: dict[str, str]) -> dict[str, str]:
    """UV_* variables equivalent to pip's options; variables already set are kept."""
    env = dict(os.environ)
    for key, value in options.items():
        if key not in _PIP_TO_UV:
            continue
        name, joiner = _PIP_TO_UV[key]
        if name in os.environ:
            continue
        values = value.split()
        if key == "no-index":
            values = ["1"] if value.lower() in {"1", "true", "yes", "on"} else []
        if values:
            env[name] = joiner.join(values)
    # pip takes the best version across all indexes; uv's default takes the first index
    # that has the package at all, which a partial local mirror would win.
    env.setdefault("UV_INDEX_STRATEGY", "unsafe-best-match")
    return env


def pinned_uv(requirements: Path) -> str | None:
    for line in requirements.read_text().splitlines():
        if re.match(r"^uv==[\w.]+$", line.strip()):
            return line.strip()
    return None


def run(command: list[str], env: dict[str, str] | None = None) -> bool:
    return subprocess.run(command, env=env, check=False).returncode == 0  # noqa: S603


def main(venv: Path, requirements: Path) -> int:
    bin_dir = venv / "bin"
    pip, python, uv = bin_dir / "pip", bin_dir / "python", bin_dir / "uv"
    started = time.monotonic()
    quiet_pip = [str(pip), "install", "--quiet", "--disable-pip-version-check"]
    uv_pin = pinned_uv(requirements)
    if uv_pin and not uv.exists():
        run([*quiet_pip, "--quiet", uv_pin])  # -qq: not pip's notes on the local mirrors
    if uv.exists():
        env = uv_environment(pip_options(pip))
        command = [str(uv), "pip", "install", "--quiet", "--python", str(python)]
        if run([*command, "-r", str(requirements)], env=env):
            print(f"Зависимости установлены ({uv_pin}, {time.monotonic() - started:.0f} с).")
            return 0
        print("uv failed; installing with pip:", shlex.join(command), file=sys.stderr)
    if not run([*quiet_pip, "-r", str(requirements)]):
        return 1
    print(f"Зависимости установлены (pip, {time.monotonic() - started:.0f} с).")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))

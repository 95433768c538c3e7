"""A bundle of 1,000 certificates as the real job (issue 11, ADR 0025).

Runs `nmo/codes/tests/test_bundle_size.py` with BUNDLE_CERTIFICATES (default 1000) on a
PostgreSQL test database of its own: the provider's POST starts the job, the task renders
every certificate, the result is downloaded and opened — a ZIP of 1,000 PDFs and one PDF
of 1,000 pages. Prints the seconds, certificates/s, the file's size and the peak memory
of the process for each. The suite runs the same test with 30 certificates."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    count = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BUNDLE_CERTIFICATES", "1000")
    env = {
        **os.environ,
        "BUNDLE_CERTIFICATES": count,
        "DATABASE_URL": f"{server}/nmo_bench_bundle",
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-s",
        "-p",
        "no:cacheprovider",
        "--create-db",
        "nmo/codes/tests/test_bundle_size.py",
    ]
    print(f"bundle of {count} certificates as a job (PDF and ZIP)", flush=True)
    return subprocess.call(command, cwd=ROOT, env=env)  # noqa: S603


if __name__ == "__main__":
    raise SystemExit(main())

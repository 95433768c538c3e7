#!/usr/bin/env python
"""Render one sample of every printed form of both presets (tools/samples.py, SAMPLES) from
the demo data into `reports/forms/` (git-ignored): the PDF or DOCX as downloaded, and each
PDF page as a PNG by poppler's `pdftoppm`, for a person to look at (issue 12, point 8).

    .venv/bin/python tools/render_samples.py [--out reports/forms] [--keep-going]

The demo is loaded into a throwaway SQLite database (`manage.py prepare`, about a minute).
Without `pdftoppm` the PNGs are skipped with a warning — unless CI=true, where it is an
error (.ci/run installs poppler-utils). A sample that fails is reported; the exit status is
1 if any did.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "reports" / "forms"))
    parser.add_argument("--resolution", type=int, default=80, help="PNG dots per inch")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        message = "pdftoppm (poppler-utils) is missing: no PNG pages"
        if ci:
            print(f"!! {message}", file=sys.stderr)
            return 1
        print(f"-- {message}", file=sys.stderr)

    workdir = Path(tempfile.mkdtemp(prefix="nmo-samples-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'demo.sqlite3'}"
    os.environ.pop("DATABASE_OWNER_URL", None)
    os.environ["ALLOW_DEMO_DATA"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tools"))
    os.chdir(ROOT)

    import django

    django.setup()
    from django.core.management import call_command

    started = time.monotonic()
    print("== loading the demo into a throwaway database")
    call_command("prepare", verbosity=0)
    print(f"   {time.monotonic() - started:.0f} s")

    from samples import SAMPLES

    failed = []
    for sample in SAMPLES:
        stem = f"{sample.preset.value if sample.preset else 'общие'}-{sample.slug}"
        try:
            content, extension = sample.render(sample.preset)  # type: ignore[arg-type]
        except Exception as exc:
            failed.append(stem)
            print(f"!! {stem}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        path = out / f"{stem}.{extension}"
        path.write_bytes(content)
        pages = ""
        if extension == "pdf" and pdftoppm is not None:
            for old in out.glob(f"{stem}-*.png"):
                old.unlink()
            subprocess.run(  # noqa: S603 (poppler found on PATH, our own file names)
                [pdftoppm, "-png", "-r", str(args.resolution), str(path), str(out / stem)],
                check=True,
            )
            pages = f", {len(list(out.glob(f'{stem}-*.png')))} PNG"
        print(f"   {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}{pages}")
    shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        print(f"!! {len(failed)} samples failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"== {len(SAMPLES)} samples in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

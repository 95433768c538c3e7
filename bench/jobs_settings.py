"""Settings for bench/bench_jobs.py: the production settings plus the upload floor's URL.

Not named bench_*.py on purpose: `make bench` runs every bench/bench_*.py as a script.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.jobs_floor_urls"

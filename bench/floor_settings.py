"""Settings for bench/bench_activation.py: the production settings plus the floor endpoint
and activation limits from the environment (config/settings.py does not read
THROTTLE_ACTIVATION_FAILURES yet; the codes app reads it with getattr at call time).

Not named bench_*.py on purpose: `make bench` runs every bench/bench_*.py as a script.
"""

from config.env import env_int
from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
THROTTLE_ACTIVATION_FAILURES = env_int("THROTTLE_ACTIVATION_FAILURES", 10)

"""The password hasher: Argon2id with the parameters of ADR 0014.

RFC 9106's second recommended option (3 passes over 64 MiB) with 2 lanes instead of 4:
the production machine has two cores, so more lanes add no speed, and a login costs
about 0.12 s here (bench/bench_login.py). The algorithm name stays "argon2": a stored
hash carries its own parameters, and Django re-hashes it at the next successful login
whenever they differ from these (`must_update`), as it does for an older algorithm.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class NmoArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 3
    memory_cost = 64 * 1024  # KiB: 64 MiB
    parallelism = 2

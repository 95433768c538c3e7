"""The password hasher: Argon2id with the parameters of ADR 0014.

OWASP's recommended configuration for Argon2id (Password Storage Cheat Sheet): 19 MiB of
memory, 2 passes, 1 lane. On this two-core machine a check costs about 27 ms idle and
140 ms when the machine runs ten other processes, where 64 MiB took 120 ms idle and a
second under that load (memory bandwidth is what a busy machine lacks); see
bench/bench_login.py. The algorithm name stays "argon2": a stored hash carries its own
parameters, and Django re-hashes it at the next successful login whenever they differ
from these (`must_update`), as it does for an older algorithm such as PBKDF2.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class NmoArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB: 19 MiB
    parallelism = 1

"""Cheap hashes of the demo password while the demo loads (ADR 0020).

The demo password is public (README, `load_demo`'s output), so a costly hash of it protects
nothing, and two dozen of them were most of the load's time. While loading, the demo puts
in front of the configured hashers a cheaper variant of the first one: the same algorithm
with a low work factor, which that hasher verifies (the factor is stored in the hash) and
replaces with a full-cost hash at the account's first sign-in (`must_update`)."""

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher


class DemoPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1_000


class DemoArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1_024
    parallelism = 1


CHEAP_VARIANTS = (
    (PBKDF2PasswordHasher, "nmo.demo.hashers.DemoPBKDF2PasswordHasher"),
    (Argon2PasswordHasher, "nmo.demo.hashers.DemoArgon2PasswordHasher"),
)

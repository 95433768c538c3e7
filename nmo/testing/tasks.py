"""Background work of the testing system: closing an attempt at its deadline."""

from django_tasks import task


@task()
def close_attempt(*, attempt_id: int) -> bool:
    """Close and score the attempt if its deadline has passed (queued at the start to run
    at the deadline)."""
    from nmo.testing import services

    return services.close_attempt_at_deadline(attempt_id=attempt_id)


@task()
def close_expired_attempts() -> int:
    """The sweep: close every attempt whose deadline has passed."""
    from nmo.testing import services

    return services.close_expired_attempts()

"""Background work of the programmes app: notices to learners on their dates."""

from django_tasks import task


@task()
def send_due_notices(cohort_id: int | None = None) -> dict[str, int]:
    """E-mail the notices due today (npc-2.2, rgmu-2.2, npc-6.2, rgmu-6.3) to the learners
    who have not had them, for every cohort or one. Safe to run at any time and any number
    of times: each learner gets each notice once."""
    from nmo.programmes import services

    run = services.send_due_notices(cohort_id=cohort_id)
    return {"notices": run.notices, "delivered": run.delivered, "failed": run.failed}

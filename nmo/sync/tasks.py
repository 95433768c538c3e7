from django_tasks import task

from nmo.sync import services


@task()
def synchronise_link(*, link_id: int, due: str | None = None) -> None:
    """One run of a link's synchronisation (faq-sync-once): it runs in the background."""
    services.synchronise(link_id, due=due)

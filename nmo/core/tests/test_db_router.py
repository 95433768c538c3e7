"""The replica router's decisions (ADR 0605); the real replica is tests/replica/."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from nmo.catalog.models import Activity
from nmo.core.db_router import PRIMARY, REPLICA, ReplicaRouter, Routing, _routing, replica_view


def _view_names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _view_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_without_a_replica_nothing_is_routed():
    """No REPLICA_DATABASE_URL (the tests, `make run`): one database, no router, no
    middleware."""
    assert "replica" not in settings.DATABASES
    assert not getattr(settings, "DATABASE_ROUTERS", [])
    assert "nmo.core.db_router.ReplicaMiddleware" not in settings.MIDDLEWARE


def test_every_page_named_for_the_replica_exists():
    """A renamed route would silently fall back to the primary: every name on the list
    is a route of the site."""
    names = _view_names(get_resolver())
    assert set(settings.REPLICA_READ_VIEWS) <= names


def test_the_public_pages_read_the_replica_and_the_rest_the_primary():
    assert replica_view("catalog:catalogue")
    assert replica_view("documents:verify")
    assert replica_view("api-v1:verify_document")
    assert replica_view("documents:frdo_export")
    assert not replica_view("catalog:review_activity")
    assert not replica_view("codes:activate")
    assert not replica_view("cycles:cabinet")


def test_a_write_goes_to_the_primary_and_what_follows_reads_it_there():
    """Inside a replica request reads go to the replica until the first write; the write
    and every read after it go to the primary. Outside a request (tasks, commands)
    everything goes to the primary."""
    router = ReplicaRouter()
    assert router.db_for_read(Activity) == PRIMARY
    routing = Routing(replica=True)
    token = _routing.set(routing)
    try:
        assert router.db_for_read(Activity) == REPLICA
        assert router.db_for_write(Activity) == PRIMARY
        assert routing.wrote
        assert router.db_for_read(Activity) == PRIMARY
    finally:
        _routing.reset(token)
    assert router.allow_migrate(PRIMARY, "catalog")
    assert not router.allow_migrate(REPLICA, "catalog")

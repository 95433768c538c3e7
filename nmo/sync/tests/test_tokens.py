"""The credit portal's tokens are kept encrypted on the cycle portal (ADR 0502): the
database holds no token in clear, the keys rotate without losing a link, and a token no
key opens any more stops the link with a Russian request to link again — never a 500."""

import importlib
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.db import connection

from nmo.sync import services
from nmo.sync.models import AccountLink, LinkState
from nmo.sync.tests.conftest import consent, credited, local
from nmo.sync.tests.test_link import messages_of, synced

pytestmark = pytest.mark.django_db(transaction=True)

OLD_KEY, NEW_KEY, OTHER_KEY = (Fernet.generate_key().decode() for _ in range(3))


def stored(link_id: int) -> tuple[str, str]:
    """The two token columns as the database holds them."""
    table = AccountLink._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT access_token, refresh_token FROM {table} WHERE id = %s",  # noqa: S608
            [link_id],
        )
        row = cursor.fetchone()
    return str(row[0]), str(row[1])


def linked(client, specialist, provider, count: int = 2) -> AccountLink:  # type: ignore[no-untyped-def]
    credited(specialist, provider, count)
    client.force_login(specialist)
    client.get(local(consent(client)))
    return AccountLink.objects.get(specialist=specialist, unlinked_at__isnull=True)


@pytest.mark.clause("faq-sync-once")
def test_the_database_holds_no_token_in_clear(client, specialist, provider, credit_portal):
    """The columns hold Fernet tokens, not the credit portal's tokens; the link reads them
    back and synchronises as before."""
    link = linked(client, specialist, provider)
    assert link.state == LinkState.DONE
    assert len(link.access_token) >= 20
    assert link.refresh_token
    access, refresh = stored(link.pk)
    assert link.access_token not in access
    assert link.refresh_token not in refresh
    assert access.startswith("gAAAA")
    assert refresh.startswith("gAAAA")
    credited(specialist, provider, 1)
    assert services.synchronise(link.pk).state == LinkState.DONE
    assert synced(specialist).count() == 3


@pytest.mark.clause("faq-sync-once")
def test_rotating_the_keys_keeps_the_link(client, specialist, provider, credit_portal, settings):
    """A token encrypted with the old key still opens after the new key is put first; the
    next run encrypts it with the new key, after which the old key may go."""
    settings.SYNC_TOKEN_KEYS = [OLD_KEY]
    link = linked(client, specialist, provider)
    old_access, _ = stored(link.pk)

    settings.SYNC_TOKEN_KEYS = [NEW_KEY, OLD_KEY]
    assert AccountLink.objects.get(pk=link.pk).access_token == link.access_token
    credited(specialist, provider, 1)
    assert services.synchronise(link.pk).state == LinkState.DONE
    # Now under the new key (a value encrypted anew under the old one would differ too).
    assert Fernet(NEW_KEY.encode()).decrypt(stored(link.pk)[0].encode()).decode() == (
        link.access_token
    )
    assert old_access

    settings.SYNC_TOKEN_KEYS = [NEW_KEY]
    credited(specialist, provider, 1)
    assert services.synchronise(link.pk).state == LinkState.DONE
    assert synced(specialist).count() == 4


@pytest.mark.clause("faq-sync-once")
def test_a_lost_key_asks_to_link_again(client, specialist, provider, credit_portal, settings):
    """The key that encrypted the tokens is gone: the run stops the link with a Russian
    message asking to link again, the pages show it (no 500), what came stays, and
    unlinking then linking again resumes the synchronisation."""
    settings.SYNC_TOKEN_KEYS = [OLD_KEY]
    link = linked(client, specialist, provider)
    settings.SYNC_TOKEN_KEYS = [OTHER_KEY]

    stopped = services.synchronise(link.pk)
    assert stopped.state == LinkState.REVOKED
    assert "ключ шифрования" in stopped.error
    assert "свяжите аккаунты заново" in stopped.error
    assert stopped.next_attempt_at is None
    profile = client.get("/accounts/profile/")
    assert profile.status_code == 200
    assert "ключ шифрования" in profile.content.decode()
    assert client.get("/cabinet/").status_code == 200
    now = client.post("/sync/link/now/", follow=True)
    assert now.status_code == 200
    assert "свяжите аккаунты заново" in messages_of(now)
    assert synced(specialist).count() == 2

    unlinked = client.post("/sync/link/unlink/", follow=True)
    assert "Связь разорвана" in messages_of(unlinked)
    credited(specialist, provider, 1)
    client.get(local(consent(client)))
    again = AccountLink.objects.get(unlinked_at__isnull=True)
    assert again.state == LinkState.DONE
    assert synced(specialist).count() == 3


@pytest.mark.clause("faq-sync-once")
def test_the_migration_encrypts_the_tokens_kept_in_clear(specialist):
    """Rows written before the encryption get their tokens encrypted; the model reads
    them back as they were."""
    link = AccountLink.objects.create(
        specialist=specialist, portal_url="http://127.0.0.1:8859", remote_account="a"
    )
    table = AccountLink._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET access_token = %s, refresh_token = %s WHERE id = %s",  # noqa: S608
            ["clear-access-token", "clear-refresh-token", link.pk],
        )
    migration = importlib.import_module("nmo.sync.migrations.0002_token_encryption_h9a")
    migration.encrypt_tokens(apps, SimpleNamespace(connection=connection))
    access, refresh = stored(link.pk)
    assert "clear-access-token" not in access
    assert "clear-refresh-token" not in refresh
    link.refresh_from_db()
    assert (link.access_token, link.refresh_token) == ("clear-access-token", "clear-refresh-token")
    migration.encrypt_tokens(apps, SimpleNamespace(connection=connection))  # run twice: same
    link.refresh_from_db()
    assert link.access_token == "clear-access-token"


def test_the_rotation_command_moves_every_link_to_the_first_key_at_once(
    client, specialist, provider, credit_portal, settings
):
    """`manage.py rotate_sync_tokens` after a new key was put first: the link's tokens
    open with the new key alone, before any synchronisation ran; a link no key opens is
    counted and the command fails, naming what the specialists must do."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.SYNC_TOKEN_KEYS = [OLD_KEY]
    link = linked(client, specialist, provider)
    settings.SYNC_TOKEN_KEYS = [NEW_KEY, OLD_KEY]
    call_command("rotate_sync_tokens", stdout=SimpleNamespace(write=lambda text: None))
    access, refresh = stored(link.pk)
    assert Fernet(NEW_KEY.encode()).decrypt(access.encode()).decode() == link.access_token
    assert Fernet(NEW_KEY.encode()).decrypt(refresh.encode()).decode() == link.refresh_token

    settings.SYNC_TOKEN_KEYS = [OTHER_KEY]
    with pytest.raises(CommandError, match="связать аккаунты заново"):
        call_command("rotate_sync_tokens", stdout=SimpleNamespace(write=lambda text: None))
    assert stored(link.pk) == (access, refresh)  # nothing destroyed

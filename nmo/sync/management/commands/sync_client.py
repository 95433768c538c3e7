"""`manage.py sync_client --redirect-uri URL`: on the credit portal, register (or update)
the cycle portal as the OAuth 2.0 client of the link (ADR 0501), with the client id and
secret of NMO_SYNC_CLIENT_ID / NMO_SYNC_CLIENT_SECRET (the secret is stored hashed)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from oauth2_provider.models import get_application_model


class Command(BaseCommand):
    help = "Зарегистрировать портал циклов как клиента OAuth 2.0 портала учёта кредитов."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--redirect-uri",
            default="",
            help="Адрес возврата портала циклов (по умолчанию NMO_OTHER_PORTAL_URL + "
            "/sync/link/callback/).",
        )
        parser.add_argument("--name", default="Портал циклов НМО")

    def handle(self, *args: Any, **options: Any) -> None:
        client_id = str(settings.SYNC_CLIENT_ID or "")
        secret = str(settings.SYNC_CLIENT_SECRET or "")
        base = str(settings.OTHER_PORTAL_URL or "").rstrip("/")
        redirect_uri = options["redirect_uri"] or (base + "/sync/link/callback/" if base else "")
        if not (client_id and secret and redirect_uri):
            raise CommandError(
                "Задайте NMO_SYNC_CLIENT_ID, NMO_SYNC_CLIENT_SECRET и адрес портала циклов "
                "(NMO_OTHER_PORTAL_URL или --redirect-uri)."
            )
        application_model = get_application_model()
        application, created = application_model.objects.get_or_create(
            client_id=client_id,
            defaults={
                "name": options["name"],
                "client_type": application_model.CLIENT_CONFIDENTIAL,
                "authorization_grant_type": application_model.GRANT_AUTHORIZATION_CODE,
                "client_secret": secret,
                "redirect_uris": redirect_uri,
            },
        )
        if not created:
            application.name = options["name"]
            application.client_secret = secret
            application.redirect_uris = redirect_uri
            application.save()
        self.stdout.write(
            f"Клиент {client_id} {'зарегистрирован' if created else 'обновлён'}: {redirect_uri}"
        )

"""The FRDO order within an organisation — kind, number, id — as an index (ADR 0616): the
API's list of an organisation's documents and the FRDO check and export of a year (read
in keyset chunks by that key, ADR 0607) walk it instead of sorting a kind's documents on
every page and the year's rows again for every chunk. Built on PostgreSQL without
blocking the issuing of documents (`add_index_concurrently`)."""

from django.db import migrations, models

from nmo.core.migration_ops import add_index_concurrently


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [
        ("documents", "0007_register_order_index"),
    ]

    operations = [
        add_index_concurrently(
            "documents",
            "qualificationdocument",
            models.Index(
                fields=["organisation", "kind", "number", "id"], name="document_frdo_order_idx"
            ),
        ),
    ]

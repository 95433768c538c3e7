"""Migration operations the apps share.

`add_index_concurrently` adds a model's index to a table of millions of rows (ADR 0616)
without blocking its writes on PostgreSQL: CREATE INDEX CONCURRENTLY, which cannot run in
a transaction — the migration says `atomic = False`. An earlier attempt stopped half-way
leaves an INVALID index of the same name, which the planner never uses: it is dropped
first, then built anew. Elsewhere (SQLite) it is the plain AddIndex."""

from typing import Any

from django.db import migrations, models


def add_index_concurrently(app_label: str, model_name: str, index: models.Index) -> Any:
    """AddIndex of `index` on `app_label.model_name`, built concurrently on PostgreSQL."""

    def build(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.add_index(model, index)
            return
        name = schema_editor.quote_name(index.name)
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.add_index(model, index, concurrently=True)

    def drop(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.remove_index(model, index)
            return
        schema_editor.remove_index(model, index, concurrently=True)

    return migrations.SeparateDatabaseAndState(
        database_operations=[migrations.RunPython(build, drop, elidable=False)],
        state_operations=[migrations.AddIndex(model_name=model_name, index=index)],
    )

"""Migration tests: move an app's schema to a given migration, and back to its newest."""
from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets: list[tuple[str, str]]) -> None:
    """Apply or unapply migrations until each (app, name) is the newest applied of its app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def newest(app: str) -> list[tuple[str, str]]:
    """The app's newest migration: where the other tests expect the database after a migration test (which
    moves it to an older one, so a fixed target could leave the newer migrations unapplied)."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes(app)

"""Migration tests: the project's models as they stood at an earlier migration, then every migration after it."""
from contextlib import contextmanager

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@contextmanager
def apps_at(targets: list[tuple[str, str]]):
    """The app registry as of ``targets`` (the database migrated back to them); the latest state again after."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    try:
        yield executor.loader.project_state(targets).apps
    finally:
        migrate_to_latest()

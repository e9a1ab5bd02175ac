"""On PostgreSQL, a trigger refuses UPDATE and DELETE on review events, whoever issues them."""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION approvals_reviewevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'approvals_reviewevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER approvals_reviewevent_append_only
    BEFORE UPDATE OR DELETE ON approvals_reviewevent
    FOR EACH ROW EXECUTE FUNCTION approvals_reviewevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS approvals_reviewevent_append_only ON approvals_reviewevent;
DROP FUNCTION IF EXISTS approvals_reviewevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]

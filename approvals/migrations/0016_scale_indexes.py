"""Indexes for every desk list's default order and filters, and, on PostgreSQL only, pg_trgm GIN indexes for the
substring search on company and end-user names (elsewhere the search scans, which is fine for a first run)."""
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# Django's ``icontains`` on PostgreSQL compares UPPER(column::text): the indexes are on that very expression.
TRIGRAM_INDEXES = (
    ("company_name_trgm", "approvals_company", "legal_name"),
    ("ir_end_user_trgm", "approvals_importrequest", "end_user"),
)


class TrigramExtensionOnPostgres(TrigramExtension):
    """Django's operation skips other databases going forwards but asks PostgreSQL's catalogue going backwards:
    unapplied on SQLite it would fail, so it skips there too."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def trigram_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0015_document_kind'),
        ('parties', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtensionOnPostgres(),
        migrations.RunPython(trigram_indexes_create, trigram_indexes_drop, elidable=False),
        migrations.RemoveIndex(
            model_name='importrequest',
            name='ir_status_sla',
        ),
        migrations.RemoveIndex(
            model_name='partymatch',
            name='party_match_state',
        ),
        migrations.AddIndex(
            model_name='assessment',
            index=models.Index(fields=['-created_at', '-id'], name='assessment_created'),
        ),
        migrations.AddIndex(
            model_name='assessment',
            index=models.Index(fields=['tier', '-created_at', '-id'], name='assessment_tier_created'),
        ),
        migrations.AddIndex(
            model_name='assessment',
            index=models.Index(fields=['policy_version', '-created_at', '-id'], name='assessment_policy_created'),
        ),
        migrations.AddIndex(
            model_name='company',
            index=models.Index(fields=['legal_name', '-id'], name='company_name'),
        ),
        migrations.AddIndex(
            model_name='document',
            index=models.Index(fields=['uploaded_at', 'id'], name='document_uploaded'),
        ),
        migrations.AddIndex(
            model_name='importrequest',
            index=models.Index(fields=['sla_due', 'submitted_at', 'id'], name='ir_queue'),
        ),
        migrations.AddIndex(
            model_name='importrequest',
            index=models.Index(fields=['status', 'sla_due', 'submitted_at', 'id'], name='ir_status_sla'),
        ),
        migrations.AddIndex(
            model_name='importrequest',
            index=models.Index(fields=['tier', 'sla_due', 'submitted_at', 'id'], name='ir_tier_queue'),
        ),
        migrations.AddIndex(
            model_name='importrequest',
            index=models.Index(fields=['assignee', 'sla_due', 'submitted_at', 'id'], name='ir_assignee_queue'),
        ),
        migrations.AddIndex(
            model_name='importrequest',
            index=models.Index(
                condition=models.Q(('status__in', ['information_requested', 'senior_review', 'submitted', 'under_review'])),
                fields=['sla_due', 'submitted_at', 'id'], name='ir_open_queue',
            ),
        ),
        migrations.AddIndex(
            model_name='importrequest',
            index=models.Index(
                condition=models.Q(('flags', ''), _negated=True), fields=['sla_due', 'submitted_at', 'id'], name='ir_flagged_queue',
            ),
        ),
        migrations.AddIndex(
            model_name='importrequest',
            index=models.Index(
                condition=models.Q(
                    ('assignee__isnull', True),
                    ('status__in', ['information_requested', 'senior_review', 'submitted', 'under_review']),
                ),
                fields=['sla_due', 'submitted_at', 'id'], name='ir_unassigned_queue',
            ),
        ),
        migrations.AddIndex(
            model_name='informationrequest',
            index=models.Index(fields=['asked_at', 'id'], name='inforeq_asked'),
        ),
        migrations.AddIndex(
            model_name='licence',
            index=models.Index(fields=['status', '-issued_at', '-id'], name='licence_status_issued'),
        ),
        migrations.AddIndex(
            model_name='licence',
            index=models.Index(
                condition=models.Q(('flags', ''), _negated=True), fields=['-issued_at', '-id'], name='licence_flagged_issued',
            ),
        ),
        migrations.AddIndex(
            model_name='licenceevent',
            index=models.Index(fields=['-at', '-id'], name='licence_event_at'),
        ),
        migrations.AddIndex(
            model_name='licenceevent',
            index=models.Index(fields=['action', '-at', '-id'], name='licence_event_action_at'),
        ),
        migrations.AddIndex(
            model_name='licenceevent',
            index=models.Index(fields=['actor_role', '-at', '-id'], name='licence_event_role_at'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['-created_at', '-id'], name='notification_created'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['kind', '-created_at', '-id'], name='notification_kind_created'),
        ),
        migrations.AddIndex(
            model_name='partymatch',
            index=models.Index(fields=['state', '-created_at', '-id'], name='party_match_state'),
        ),
        migrations.AddIndex(
            model_name='partymatch',
            index=models.Index(fields=['kind', 'state', '-created_at', '-id'], name='party_match_kind_state'),
        ),
        migrations.AddIndex(
            model_name='reviewevent',
            index=models.Index(fields=['-at', '-id'], name='review_event_at'),
        ),
        migrations.AddIndex(
            model_name='reviewevent',
            index=models.Index(fields=['action', '-at', '-id'], name='review_event_action_at'),
        ),
        migrations.AddIndex(
            model_name='reviewevent',
            index=models.Index(fields=['actor_role', '-at', '-id'], name='review_event_role_at'),
        ),
    ]

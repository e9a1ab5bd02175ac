"""The foreign keys to ImportRequest are named import_request in the code; the columns stay request_id.

State only: the database keeps its columns, indexes and constraints as they are.
"""
import django.db.models.deletion
from django.db import migrations, models

RENAMED = (
    ("requestline", "lines", models.CASCADE, False),
    ("informationrequest", "information_requests", models.CASCADE, False),
    ("assessment", "assessments", models.CASCADE, False),
    ("document", "documents", models.CASCADE, False),
    ("notification", "notifications", models.CASCADE, True),
    ("reviewevent", "events", models.PROTECT, False),
)


def _state_operations():
    operations = [
        migrations.RemoveIndex(model_name="informationrequest", name="inforeq_request_open"),
        migrations.RemoveConstraint(model_name="assessment", name="assessment_once_per_input"),
        migrations.RemoveConstraint(model_name="reviewevent", name="event_seq_per_request"),
    ]
    for model_name, related_name, on_delete, nullable in RENAMED:
        operations += [
            migrations.RenameField(model_name=model_name, old_name="request", new_name="import_request"),
            migrations.AlterField(
                model_name=model_name, name="import_request",
                field=models.ForeignKey(
                    db_column="request_id", null=nullable, blank=nullable,
                    on_delete=getattr(django.db.models.deletion, on_delete.__name__),
                    related_name=related_name, to="approvals.importrequest",
                ),
            ),
        ]
    operations += [
        migrations.AddIndex(
            model_name="informationrequest",
            index=models.Index(fields=["import_request", "answered_at"], name="inforeq_request_open"),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(fields=["import_request", "input_hash"],
                                               name="assessment_once_per_input"),
        ),
        migrations.AddConstraint(
            model_name="reviewevent",
            constraint=models.UniqueConstraint(fields=["import_request", "seq"], name="event_seq_per_request"),
        ),
        migrations.AlterModelOptions(name="reviewevent", options={"ordering": ["import_request_id", "seq"]}),
    ]
    return operations


class Migration(migrations.Migration):
    dependencies = [("approvals", "0004_idempotency_key_created_index")]

    operations = [migrations.SeparateDatabaseAndState(state_operations=_state_operations(), database_operations=[])]

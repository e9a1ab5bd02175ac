"""End-use reports keep their licence's holder, so that a company's reports to file come from one index (the
portal dashboard's "needs your action" list read every company's due reports before keeping the holder's)."""
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def holders_from_licences(apps, schema_editor):
    EndUseReport = apps.get_model("approvals", "EndUseReport")
    Licence = apps.get_model("approvals", "Licence")
    EndUseReport.objects.update(
        holder_id=Subquery(Licence.objects.filter(pk=OuterRef("licence_id")).values("holder_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("approvals", "0016_scale_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="endusereport",
            name="holder",
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="approvals.company"),
        ),
        migrations.RunPython(holders_from_licences, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="endusereport",
            name="holder",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="approvals.company"),
        ),
        migrations.AddIndex(
            model_name="endusereport",
            index=models.Index(condition=models.Q(("state__in", ["due", "overdue"])),
                               fields=["holder", "due_on", "id"], name="end_use_holder_to_file"),
        ),
    ]

# Data: what an inspection said, said as a report. 未参检 (absent) is a row not filed; any other result
# was filed, on a day the inspections did not record: the conclusion date when there is one, else the
# default deadline of the year (31 May of Y+1). docs/decisions/0200-annual-reports-replace-inspections.md

import datetime

from django.db import migrations


def forwards(apps, schema_editor):
    report = apps.get_model("registry", "AnnualReport")
    report.objects.filter(result="absent").update(result="", submitted_on=None)
    for row in report.objects.filter(submitted_on__isnull=True).exclude(result="").iterator():
        row.submitted_on = row.reviewed_on or min(datetime.date(row.year + 1, 5, 31), datetime.date.today())
        row.save(update_fields=["submitted_on"])


def backwards(apps, schema_editor):
    report = apps.get_model("registry", "AnnualReport")
    report.objects.filter(submitted_on__isnull=True).update(result="absent")


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_annual_reports_replace_inspections")]

    operations = [migrations.RunPython(forwards, backwards)]

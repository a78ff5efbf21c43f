# Data: a listing recorded before the clocks existed counts from the day it was listed (no ground is
# guessed from its free-text reason; the ground stays empty until a clerk sets it).

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    entry = apps.get_model("registry", "CreditListEntry")
    entry.objects.filter(counted_from__isnull=True).update(counted_from=F("listed_on"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0014_credit_entry_grounds_and_clocks")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

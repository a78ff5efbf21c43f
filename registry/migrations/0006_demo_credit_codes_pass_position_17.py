# Data migration: demo credit codes made before position 17 was checked are renumbered so they pass it.

from django.db import migrations
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORGANIZATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _base31(number, width):
    digits = []
    for _ in range(width):
        number, rest = divmod(number, 31)
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


def _organization_check(body):
    value = 11 - sum(int(char, 36) * weight for char, weight in zip(body, ORGANIZATION_CODE_WEIGHTS)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def _uscc_check(first17):
    return ALPHABET[(31 - sum(ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS))) % 31]


def renumber_demo_codes(apps, schema_editor):
    """Only invented codes (`is_demo`) change: positions 1–8 are kept, 9–16 become `MJD` and the
    organization's key in base 31 (unique), and both check characters are computed. Real codes are
    registered facts and are never rewritten here."""
    Organization = apps.get_model("registry", "Organization")
    demo = Organization.objects.filter(is_demo=True, uscc__regex=r"^.{8}MJD").only("pk", "uscc")
    changed = []
    for organization in demo.iterator(chunk_size=2000):
        first16 = f"{organization.uscc[:8]}MJD{_base31(organization.pk, 5)}"
        first17 = first16 + _organization_check(first16[8:])
        code = first17 + _uscc_check(first17)
        if code != organization.uscc:
            organization.uscc = code
            changed.append(organization)
    # Every old code is moved aside first, so a new code never meets an old one under the unique constraint.
    for start in range(0, len(changed), 2000):
        keys = [organization.pk for organization in changed[start : start + 2000]]
        Organization.objects.filter(pk__in=keys).update(uscc=Concat(Value("~"), Cast("pk", CharField())))
    Organization.objects.bulk_update(changed, ["uscc"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_community_foundation_is_foundation"),
    ]

    operations = [
        migrations.RunPython(renumber_demo_codes, migrations.RunPython.noop),
    ]

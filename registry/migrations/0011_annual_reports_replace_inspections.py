# The annual inspection (年检) becomes the annual work report (年度工作报告): the table is renamed,
# not recreated, so every row keeps its id and the change history (content type renamed by
# contenttypes) keeps pointing at it. docs/decisions/0200-annual-reports-replace-inspections.md

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0010_merge_20261203_2221"),
    ]

    operations = [
        migrations.RenameModel(old_name="AnnualInspection", new_name="AnnualReport"),
        migrations.AlterModelOptions(
            name="annualreport",
            options={
                "ordering": ["organization_id", "-year"],
                "verbose_name": "annual work report",
                "verbose_name_plural": "annual work reports",
            },
        ),
        migrations.RenameField(model_name="annualreport", old_name="concluded_on", new_name="reviewed_on"),
        migrations.AlterField(
            model_name="annualreport",
            name="reviewed_on",
            field=models.DateField(blank=True, null=True, verbose_name="date reviewed"),
        ),
        migrations.AddField(
            model_name="annualreport",
            name="submitted_on",
            field=models.DateField(blank=True, db_index=True, null=True, verbose_name="date filed"),
        ),
        migrations.AlterField(
            model_name="annualreport",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="report year"),
        ),
        migrations.AlterField(
            model_name="annualreport",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="annual_reports",
                to="registry.organization",
                verbose_name="organization",
            ),
        ),
        migrations.AlterField(
            model_name="annualreport",
            name="result",
            field=models.CharField(
                blank=True,
                choices=[("passed", "Passed"), ("basically_passed", "Basically passed"), ("failed", "Failed")],
                db_index=True,
                max_length=20,
                verbose_name="result",
            ),
        ),
        migrations.RemoveConstraint(model_name="annualreport", name="inspection_organization_year_unique"),
        migrations.RemoveConstraint(model_name="annualreport", name="inspection_year_in_range"),
        migrations.AddConstraint(
            model_name="annualreport",
            constraint=models.UniqueConstraint(
                fields=("organization", "year"),
                name="inspection_organization_year_unique",
                violation_error_message="This organization already has a report for that year.",
            ),
        ),
        migrations.AddConstraint(
            model_name="annualreport",
            constraint=models.CheckConstraint(
                condition=models.Q(("year__gte", 1990)),
                name="inspection_year_in_range",
                violation_error_message="The report year is too early.",
            ),
        ),
    ]

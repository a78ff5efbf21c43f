"""Data migrations keep existing records and bring them under the new rules."""

import importlib

import pytest
from django.apps import apps

from registry.models import Organization
from registry.validators import check_uscc_form, organization_code_check, uscc_with_check
from tests.conftest import make_organization
from tests.ratings.builders import make_evaluation

pytestmark = pytest.mark.django_db


def migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


def test_demo_codes_made_before_position_17_was_checked_are_renumbered_to_pass_it():
    demo = make_organization()
    wrong17 = next(c for c in "0123456789X" if c != organization_code_check("MJD000AB"))
    old = uscc_with_check(demo.uscc[:8] + "MJD000AB" + wrong17)  # as the generator made it: 18 valid, 17 not
    real = make_organization()
    Organization.objects.filter(pk=demo.pk).update(uscc=old, is_demo=True)
    migration("registry", "0006_demo_credit_codes_pass_position_17").renumber_demo_codes(apps, None)
    demo.refresh_from_db()
    check_uscc_form(demo.uscc)
    assert demo.uscc[:8] == old[:8] and demo.uscc != old
    assert Organization.objects.get(pk=real.pk).uscc == real.uscc  # real codes are never rewritten


def test_scores_recorded_before_keep_their_scale_of_100():
    scored = make_evaluation(score=86)
    unscored = make_evaluation()
    migration("ratings", "0004_evaluation_score_on_round_scale").scores_recorded_out_of_100(apps, None)
    scored.refresh_from_db()
    unscored.refresh_from_db()
    assert (scored.score, scored.max_score, unscored.max_score) == (86, 100, 1000)


def test_existing_organizations_keep_their_legal_representative_as_a_person_and_get_their_events():
    import datetime

    from registry.models import OrganizationPerson, RegistrationEvent

    kept = make_organization(legal_representative="张三", registered_on=datetime.date(2015, 3, 2))
    ended = make_organization(legal_representative="")
    Organization.objects.filter(pk=ended.pk).update(status="revoked", status_date=datetime.date(2020, 1, 2))
    # As a database from before the people and events existed.
    OrganizationPerson._base_manager.all().delete()
    RegistrationEvent.objects.all().delete()
    migration("registry", "0013_people_and_events_of_existing_organizations").forwards(apps, None)
    [person] = OrganizationPerson.objects.filter(organization=kept)
    assert (person.role, person.name, person.started_on, person.ended_on) == (
        "legal_representative",
        "张三",
        datetime.date(2015, 3, 2),
        None,
    )
    assert not OrganizationPerson.objects.filter(organization=ended).exists()
    events = {(event.organization_id, event.kind, event.date) for event in RegistrationEvent.objects.all()}
    assert (kept.pk, "established", datetime.date(2015, 3, 2)) in events
    assert (ended.pk, "revoked", datetime.date(2020, 1, 2)) in events
    established = RegistrationEvent.objects.get(organization=kept, kind="established")
    assert established.after["legal_representative"] == "张三" and established.after["name"] == kept.name


@pytest.mark.restores_baseline
def test_the_inspections_become_annual_reports_with_their_ids_and_history(baseline_kept):
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from core.models import ChangeRecord
    from registry.models import AnnualReport

    organization = make_organization(registered_on=datetime.date(2015, 1, 1))
    before = ("registry", "0010_merge_20261203_2221")
    call_command("migrate", *before, verbosity=0)
    old = MigrationExecutor(connection).loader.project_state([before]).apps
    inspection = old.get_model("registry", "AnnualInspection")
    absent = inspection.objects.create(organization_id=organization.pk, year=2020, result="absent")
    concluded = inspection.objects.create(
        organization_id=organization.pk, year=2021, result="passed", concluded_on=datetime.date(2022, 4, 2)
    )
    undated = inspection.objects.create(organization_id=organization.pk, year=2022, result="basically_passed")
    content_type = ContentType.objects.get(app_label="registry", model="annualinspection")
    record = ChangeRecord.objects.create(
        content_type=content_type, object_id=concluded.pk, object_repr="年检", action="create", changes={}
    )
    call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()
    reports = {report.pk: report for report in AnnualReport.objects.filter(organization=organization)}
    assert set(reports) == {absent.pk, concluded.pk, undated.pk}
    assert (reports[absent.pk].submitted_on, reports[absent.pk].result) == (None, "")
    assert (reports[concluded.pk].submitted_on, reports[concluded.pk].reviewed_on) == (datetime.date(2022, 4, 2),) * 2
    assert (reports[undated.pk].submitted_on, reports[undated.pk].result) == (
        datetime.date(2023, 5, 31),
        "basically_passed",
    )
    record.refresh_from_db()
    assert record.content_type.model_class() is AnnualReport

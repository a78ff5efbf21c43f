"""Data migrations of reports keep what is loaded and change only what they say."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from reports.models import PublishedFigure

pytestmark = pytest.mark.django_db

nearly_figures = importlib.import_module("reports.migrations.0002_nearly_figures")


def test_figures_loaded_as_about_move_to_nearly_and_keep_the_rest():
    members = PublishedFigure.objects.get(key="party.members")
    growth = PublishedFigure.objects.get(key="procurement.last_four_years.growth")
    PublishedFigure.objects.filter(pk=members.pk).update(comparison="about", note="旧说明")
    PublishedFigure.objects.filter(pk=growth.pk).update(comparison="about", precision=Decimal("0.01"))
    untouched = {
        row.pk: (row.comparison, row.value, row.note)
        for row in PublishedFigure.objects.exclude(pk__in=[members.pk, growth.pk])
    }
    nearly_figures.to_nearly(apps, None)
    members.refresh_from_db()
    growth.refresh_from_db()
    assert (members.comparison, members.value, members.precision) == ("nearly", 15000, 1000)
    assert "14500至14999" in members.note
    assert (growth.comparison, growth.value, growth.precision) == ("nearly", Decimal("0.50"), Decimal("0.1"))
    assert untouched == {
        row.pk: (row.comparison, row.value, row.note)
        for row in PublishedFigure.objects.exclude(pk__in=[members.pk, growth.pk])
    }

"""The shared filtering pieces of core: dates or timestamps, inclusive bounds, models without timestamps."""

import datetime

import pytest
from django import forms
from django.utils import timezone

from core.filters import DateOrDateTimeField

TZ = timezone.get_current_timezone()


@pytest.mark.parametrize(
    "text, end_of_day, moment",
    [
        ("2024-03-01", False, datetime.datetime(2024, 3, 1, tzinfo=TZ)),
        ("2024-03-01", True, datetime.datetime(2024, 3, 1, 23, 59, 59, 999999, tzinfo=TZ)),
        ("2024-03-01T08:30:00", True, datetime.datetime(2024, 3, 1, 8, 30, tzinfo=TZ)),
        ("2024-03-01T08:30:00 08:00", False, datetime.datetime(2024, 3, 1, 8, 30, tzinfo=TZ)),  # '+' lost in a URL
        ("2024-03-01T00:30:00Z", False, datetime.datetime(2024, 3, 1, 0, 30, tzinfo=datetime.UTC)),
    ],
)
def test_date_or_timestamp(text, end_of_day, moment):
    assert DateOrDateTimeField(end_of_day=end_of_day).clean(text) == moment


@pytest.mark.parametrize("text", ["yesterday", "2024-02-30", "2024-3-1x", "1709251200"])
def test_unparsable_date_or_timestamp_is_an_error(text):
    with pytest.raises(forms.ValidationError):
        DateOrDateTimeField().clean(text)


@pytest.mark.django_db
def test_a_list_without_timestamps_refuses_last_updated_from_with_400(clerk_api):
    response = clerk_api.get("/api/v1/divisions/", {"last_updated_from": "2024-01-01"})
    assert response.status_code == 400 and "last_updated_from" in response.json()

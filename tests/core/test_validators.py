"""The rule every app applies to the dates and years it records: they lie today or before."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.validators import not_in_future


def test_today_this_year_and_empty_values_pass():
    today = timezone.localdate()
    not_in_future(on=today, year=today.year, empty=None)


def test_each_future_value_is_refused_under_its_field():
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        not_in_future(filed_on=today + datetime.timedelta(days=1), year=today.year + 1, past=today)
    assert set(error.value.message_dict) == {"filed_on", "year"}


def test_a_field_may_say_which_date_it_is():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        not_in_future(concluded_on=tomorrow, message="The conclusion date may not lie in the future.")
    assert error.value.message_dict == {"concluded_on": ["The conclusion date may not lie in the future."]}

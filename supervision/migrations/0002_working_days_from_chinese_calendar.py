# Data: the working-day calendar of every whole year the chinese-calendar package knows (official
# holidays and swapped working weekends as the State Council published them), so due dates in working
# days are right without a clerk typing them. Later years are added by clerks (weekends only, then
# their holidays by hand). docs/decisions/0202-working-day-calendar.md

import datetime

from django.db import migrations


def package_years():
    from chinese_calendar import constants

    first, last = min(constants.holidays).year, max(constants.holidays).year
    return range(first, last + 1)


def forwards(apps, schema_editor):
    import chinese_calendar

    calendar_year = apps.get_model("supervision", "CalendarYear")
    calendar_day = apps.get_model("supervision", "CalendarDay")
    known = set(calendar_year.objects.values_list("year", flat=True))
    for year in package_years():
        if year in known:
            continue
        calendar_year.objects.create(year=year, source="chinese_calendar")
        days = []
        day = datetime.date(year, 1, 1)
        while day.year == year:
            holiday, name = chinese_calendar.get_holiday_detail(day)
            working = not holiday
            label = ""
            if name is not None:
                label = str(name)
            days.append(calendar_day(day=day, working=working, name=label[:50]))
            day += datetime.timedelta(days=1)
        calendar_day.objects.bulk_create(days, batch_size=1000)


def backwards(apps, schema_editor):
    apps.get_model("supervision", "CalendarDay").objects.filter(
        day__year__in=list(
            apps.get_model("supervision", "CalendarYear")
            .objects.filter(source="chinese_calendar")
            .values_list("year", flat=True)
        )
    ).delete()
    apps.get_model("supervision", "CalendarYear").objects.filter(source="chinese_calendar").delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]

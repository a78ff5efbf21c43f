from django.core import checks

from jobs.schedule import check_periodic_jobs


@checks.register()
def periodic_jobs_are_valid(app_configs, **kwargs):
    return [checks.Error(problem, id="jobs.E001") for problem in check_periodic_jobs()]

"""What the benchmark asks of the application itself, run with Django set up against the bench
database (`python -m bench.probe COMMAND`, DATABASE_URL in the environment). Prints JSON."""

import json
import random
import sys

import django


def fixtures() -> list[str]:
    from django.conf import settings

    return list(settings.REGISTRY_FIXTURES)


def token() -> str:
    """A clerk's API key (the benchmark reads and writes as the city bureau)."""
    from django.contrib.auth import get_user_model

    from core.choices import Role
    from core.models import ApiToken
    from core.roles import ensure_role_groups

    user, _ = get_user_model().objects.get_or_create(username="bench-clerk", defaults={"is_staff": True})
    user.groups.add(ensure_role_groups()[Role.CLERK])
    _, key = ApiToken.issue(user=user)
    return key


def sample() -> dict:
    """Identifiers the requests cycle through, drawn with a fixed seed."""
    from django.db.models import Count

    from registry.models import CommunityOrganization, Organization

    ids = list(Organization.objects.order_by("id").values_list("id", flat=True))
    townships = (
        CommunityOrganization.objects.values("township_id")
        .annotate(n=Count("id"))
        .order_by("-n", "township_id")
        .values_list("township_id", flat=True)[:20]
    )
    rng = random.Random(10)
    chosen = rng.sample(ids, min(200, len(ids)))
    codes = dict(Organization.objects.filter(pk__in=chosen).values_list("id", "uscc"))
    return {
        "organization_ids": chosen,
        "organization_codes": [codes[pk] for pk in chosen],
        "townships": list(townships),
        "organizations": len(ids),
        "filings": CommunityOrganization.objects.count(),
    }


def export_sql(resource: str) -> str:
    """The SELECT of the list's queryset as the database receives it (for COPY ... TO STDOUT)."""
    from django.db import connection

    from registry.api.views import CommunityOrganizationViewSet, OrganizationViewSet

    viewset = {"community-organizations": CommunityOrganizationViewSet, "organizations": OrganizationViewSet}[resource]
    queryset = viewset.queryset.all()
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()


def queries() -> dict:
    """Queries per list page at page_size 10 and 100: constant when they are equal."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    client = Client(HTTP_AUTHORIZATION=f"Token {token()}")
    township = sample()["townships"][0]
    lists = {
        "organizations": "/api/v1/organizations/?",
        "organizations_filtered": "/api/v1/organizations/?district=330212&org_type=social_service&",
        "organizations_q": "/api/v1/organizations/?q=服务中心&",
        "filings_township": f"/api/v1/community-organizations/?township={township}&",
        "filings_rural": "/api/v1/community-organizations/?urban=false&category=service&",
        "evaluations": "/api/v1/evaluations/?",
        "platforms": "/api/v1/platforms/?",
    }
    # The first request of a process (and of a new token) does once-only work: last_used, caches.
    client.get("/api/v1/organizations/?page_size=1")
    counts = {}
    for name, url in lists.items():
        row = {}
        for size in (10, 100):
            with CaptureQueriesContext(connection) as captured:
                status = client.get(f"{url}page_size={size}").status_code
            row[str(size)] = len(captured) if status == 200 else f"HTTP {status}"
        counts[name] = row
    return counts


def bulk_rows(count: int, offset: int) -> list[dict]:
    """`count` organizations for organizations/bulk/, keyed by valid credit codes not yet used."""
    from registry.choices import CREDIT_CODE_CATEGORY
    from registry.validators import uscc_with_checks

    districts = ["330203", "330205", "330206", "330211", "330212", "330213", "330225", "330226", "330281"]
    rows = []
    for index in range(offset, offset + count):
        district = districts[index % len(districts)]
        body = f"5{CREDIT_CODE_CATEGORY['social_service']}{district}B{index:07d}"
        rows.append(
            {
                "uscc": uscc_with_checks(body),
                "name": f"基准测试同步社会服务机构{index}【演示】",
                "org_type": "social_service",
                "registered_by": district,
                "registered_on": "2020-05-01",
                "legal_representative": "王五",
                "phone": "13900001111",
                "address": "宁波市演示路1号",
                "business_scope": "为社区居民提供养老、托育等服务。",
            }
        )
    return rows


# Records of each resource rendered for the filled events (spread over the ids): each event carries the
# stored rendering of the record it names, as an event written by a change does.
FEED_FILL_SAMPLE = 2000


def feed_sample() -> list[tuple]:
    """Organizations and filings, alternately, with what an event of each stores: (resource, content
    type, id, district, ETag, rendering, masked fields), rendered by the feed's own renderer."""
    from django.contrib.contenttypes.models import ContentType

    from core.access import jurisdiction_of
    from core.outbox import record_etag
    from integration import feed
    from registry.models import CommunityOrganization, Organization

    samples = []
    for name, model in (("organizations", Organization), ("community-organizations", CommunityOrganization)):
        ids = list(model.objects.order_by("id").values_list("id", flat=True))
        ids = ids[:: max(1, len(ids) // FEED_FILL_SAMPLE)][:FEED_FILL_SAMPLE]
        content_type = ContentType.objects.get_for_model(model).pk
        rows = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            stored = feed.render_stored(name, chunk)
            for record in model.objects.filter(pk__in=chunk).select_related(*feed_sample_joins(model)):
                data, masked = stored[record.pk]
                district = jurisdiction_of(record) or ""
                rows.append((name, content_type, record.pk, district, record_etag(record), data, masked))
        samples.append(rows)
    organizations, filings = samples
    size = min(len(organizations), len(filings))
    return [row for pair in zip(organizations[:size], filings[:size], strict=True) for row in pair]


def feed_sample_joins(model) -> list[str]:
    return ["township"] if any(field.name == "township" for field in model._meta.concrete_fields) else []


def feed_fill(total: int) -> dict:
    """Fill the outbox up to `total` events in one INSERT … SELECT: `updated` events cycling over a sample
    of organizations and filings (FEED_FILL_SAMPLE of each, rendered once by the feed's renderer), each
    with the record's district, ETag and stored rendering, all at transaction id 1 (committed long ago,
    so every reader sees them; the feed's order is (xid, id)). Returns the events then stored."""
    from django.db import connection, transaction

    from core.models import OutboxEvent

    missing = total - OutboxEvent.objects.count()
    if missing > 0:
        sample = feed_sample()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE feed_sample (n int PRIMARY KEY, resource text, content_type_id int, object_id "
                "bigint, district text, etag text, data text, masked_fields text) ON COMMIT DROP"
            )
            cursor.executemany(
                "INSERT INTO feed_sample VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [(index, *row) for index, row in enumerate(sample)],
            )
            cursor.execute(
                """
                INSERT INTO core_outboxevent (xid, occurred_at, resource, content_type_id, object_id, action,
                                              district_before, district_after, etag, data, masked_fields)
                SELECT 1, now(), s.resource, s.content_type_id, s.object_id, 'updated', s.district, s.district,
                       s.etag, s.data, s.masked_fields
                FROM generate_series(0, %s - 1) AS i JOIN feed_sample AS s ON s.n = mod(i, %s)
                """,
                [missing, len(sample)],
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE core_outboxevent")
    return {"events": OutboxEvent.objects.count()}


def feed_cursors(count: int) -> list[str]:
    """Cursors spread over the whole depth of the feed (read once with OFFSET; the feed never does)."""
    from core.models import OutboxEvent
    from integration.feed import encode_cursor

    total = OutboxEvent.objects.count()
    found = []
    for step in range(count):
        offset = max(0, int(total * (step + 0.5) / count) - 1000)
        row = OutboxEvent.objects.order_by("xid", "id").values_list("xid", "id")[offset : offset + 1]
        found += [encode_cursor(xid, pk) for xid, pk in row]
    return found


def export_jobs(ids: list[int]) -> list[dict]:
    """Queued exports as done: status, rows, and from django-tasks-db's record of each job the seconds it ran
    and the worker process(es) that claimed it (`run_worker` names each `<host>-<pid>-<index>`)."""
    from django_tasks_db.models import DBTaskResult

    from jobs.models import ExportJob

    jobs = ExportJob.objects.in_bulk(ids)
    tasks = {str(pk): task for pk, task in DBTaskResult.objects.in_bulk([job.task_id for job in jobs.values()]).items()}
    found = []
    for pk in ids:
        job = jobs[pk]
        task = tasks.get(job.task_id)
        ran = task and task.started_at and task.finished_at and (task.finished_at - task.started_at).total_seconds()
        found.append(
            {
                "id": pk,
                "resource": job.resource,
                "format": job.file_format,
                "status": job.status,
                "rows": job.progress,
                "seconds": round(ran, 2) if ran else None,
                "worker_ids": list(task.worker_ids) if task else [],
                "error": job.error[:300],
            }
        )
    return found


def main() -> None:
    django.setup()
    command, *args = sys.argv[1:]
    handlers = {
        "fixtures": fixtures,
        "token": token,
        "sample": sample,
        "export-sql": lambda: export_sql(args[0]),
        "queries": queries,
        "bulk-rows": lambda: bulk_rows(int(args[0]), int(args[1])),
        "feed-fill": lambda: feed_fill(int(args[0])),
        "feed-cursors": lambda: feed_cursors(int(args[0])),
        "export-jobs": lambda: export_jobs([int(pk) for pk in args[0].split(",")]),
    }
    print(json.dumps(handlers[command](), ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()

"""`q=` finds the same organizations whatever the term's length, and on PostgreSQL its indexes can
serve every length (pg_trgm for 3+ characters, the short-gram index for 1–2)."""

import pytest
from django.db import connection

from core import search
from registry.filtersets import OrganizationFilterSet
from registry.models import Organization
from tests.conftest import make_organization

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")


@pytest.fixture
def named():
    return {
        name: make_organization(name=name).pk
        for name in ["宁波市鄞州区阳光养老服务中心", "宁波市书画协会", "海曙区青少年足球协会", "Ningbo Ziv Club"]
    }


def found(term: str) -> set[int]:
    return set(OrganizationFilterSet({"q": term}, queryset=Organization.objects.all()).qs.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("协会", {"宁波市书画协会", "海曙区青少年足球协会"}),
        ("协", {"宁波市书画协会", "海曙区青少年足球协会"}),
        ("服务中", {"宁波市鄞州区阳光养老服务中心"}),
        ("宁波市", {"宁波市鄞州区阳光养老服务中心", "宁波市书画协会"}),
        # Z, I and V are in no credit code, so these match names only.
        ("ziv", {"Ningbo Ziv Club"}),
        ("zi", {"Ningbo Ziv Club"}),
        ("z", {"Ningbo Ziv Club"}),
        ("足球协会", {"海曙区青少年足球协会"}),
        ("无此名", set()),
    ],
)
def test_name_search_finds_every_name_containing_the_term_whatever_its_length(named, term, expected):
    assert found(term) == {named[name] for name in expected}


def test_search_by_a_fragment_of_the_credit_code_still_works(named):
    organization = Organization.objects.get(pk=named["宁波市书画协会"])
    assert named["宁波市书画协会"] in found(organization.uscc[-6:].lower())


def plan_of(term: str) -> str:
    # Without the list's ordering: on a table this small the planner would rather walk the primary
    # key in order than sort, and the question here is whether the condition can use the index.
    queryset = OrganizationFilterSet({"q": term}, queryset=Organization.objects.all()).qs.order_by()
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only
@pytest.mark.parametrize(
    ("term", "index"),
    [
        ("协会", "registry_org_name_grams"),
        ("协", "registry_org_name_grams"),
        # Caseless terms are matched as stored (docs/decisions/0441-caseless-name-search.md); others upper-cased.
        ("服务中", "registry_org_name_plain_trgm"),
        ("ziv", "registry_org_name_trgm"),
    ],
)
def test_name_search_is_served_by_an_index_on_postgresql(named, term, index):
    assert index in plan_of(term)


@pytest.fixture
def fresh_statistics():
    search._common_grams.clear()
    yield
    search._common_grams.clear()


@postgresql_only
def test_a_short_term_most_names_carry_skips_the_short_gram_index_and_finds_the_same_rows(named, fresh_statistics):
    """宁波 is in most names here: after ANALYZE it is a common gram, searched by the plain `LIKE`
    (docs/decisions/0440-common-short-terms.md)."""
    expected = {named["宁波市鄞州区阳光养老服务中心"], named["宁波市书画协会"]}
    assert "registry_org_name_grams" in plan_of("宁波")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_organization")
    search._common_grams.clear()
    assert "宁波" in search.common_grams(search.ORGANIZATION_NAME_GRAMS)
    assert "registry_short_grams" not in plan_of("宁波")
    assert found("宁波") == expected


@postgresql_only
def test_common_grams_are_read_once_per_process_until_they_are_stale(fresh_statistics, monkeypatch):
    search._common_grams[search.ORGANIZATION_NAME_GRAMS] = (search.time.monotonic(), frozenset({"协会"}))
    assert search.common_grams(search.ORGANIZATION_NAME_GRAMS) == frozenset({"协会"})
    monkeypatch.setattr(search, "STATISTICS_SECONDS", -1)
    assert search.common_grams(search.ORGANIZATION_NAME_GRAMS) == frozenset()


@pytest.mark.parametrize(
    ("term", "expected"), [("宁波市", True), ("12", True), ("Ziv", False), ("ß", False), ("ǅ", False)]
)
def test_a_term_is_caseless_when_no_character_has_a_case(term, expected):
    assert search.caseless(term) is expected

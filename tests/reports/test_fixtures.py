"""The fixtures drawn from the reply: every row traceable to a sentence of it, valid, and complete."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from platforms.models import Platform
from ratings.choices import HonourKind
from ratings.models import Honour
from reports.choices import Comparison
from reports.models import Citation, Document, PublishedFigure
from reports.published import compare
from reports.selectors import honour_figures

pytestmark = pytest.mark.django_db

REPLY = (Path(settings.BASE_DIR) / "fixtures" / "source" / "reply-333-2023-06-15.txt").read_text(encoding="utf-8")

# The figures of DESIGN §1, as (key, value, reference date) — the fixture must hold each.
DESIGN_FIGURES = [
    ("organizations.total", 10224, "2023-06-15"),
    ("organizations.by_type.social_group", 2627, "2023-06-15"),
    ("organizations.by_type.social_service", 7528, "2023-06-15"),
    ("organizations.by_type.foundation", 69, "2023-06-15"),
    ("organizations.city_level.total", 1039, "2023-06-15"),
    ("organizations.city_level.by_type.social_group", 603, "2023-06-15"),
    ("organizations.city_level.by_type.social_service", 400, "2023-06-15"),
    ("organizations.city_level.by_type.foundation", 36, "2023-06-15"),
    ("community_organizations.total", 48847, "2023-06-15"),
    ("community_organizations.province_rank", 1, "2023-06-15"),
    ("community_organizations.urban", 18003, "2023-06-15"),
    ("community_organizations.rural", 30844, "2023-06-15"),
    ("community_organizations.per_urban_community", 26, "2023-06-15"),
    ("community_organizations.per_rural_community", 15, "2023-06-15"),
    ("community_organizations.active_rate", "0.76", "2023-06-15"),
    ("party.party_organizations", 922, "2023-06-15"),
    ("party.members", 15000, "2023-06-15"),
    ("party.comprehensive_committee.organizations", 162, "2023-06-15"),
    ("party.comprehensive_committee.party_organizations", 88, "2023-06-15"),
    ("party.comprehensive_committee.members", 269, "2023-06-15"),
    ("platforms.standardized_township_centres", 109, "2023-06-15"),
    ("platforms.total", 150, "2023-06-15"),
    ("platforms.townships_without_platform", 0, "2023-06-15"),
    ("platforms.city_innovation_parks", 1, "2020-05-31"),
    ("organizations.districts_with_community_foundation", 7, "2023-06-15"),
    ("ratings.rated_3a_plus", 1293, "2022-12-31"),
    ("ratings.by_grade.5", 257, "2022-12-31"),
    ("ratings.by_grade.4", 334, "2022-12-31"),
    ("ratings.by_grade.3", 702, "2022-12-31"),
    ("honours.national_advanced", 9, "2022-12-31"),
    ("honours.provincial_brand", 31, "2022-12-31"),
    ("honours.provincial_leader", 66, "2022-12-31"),
    ("honours.role_model", 1, "2022-12-31"),
    ("platforms.welfare_lottery_city", 6000000, "2023-06-15"),
    ("procurement.transferred_functions.items", 109, "2023-06-15"),
    ("procurement.transferred_functions.batches", 2, "2023-06-15"),
    ("procurement.project_cap", 200000, "2020-12-31"),
    ("procurement.project_cap", 250000, "2023-06-15"),
    ("procurement.last_four_years.projects", 303, "2023-06-15"),
    ("procurement.last_four_years.amount", 62892500, "2023-06-15"),
    ("procurement.by_year.2019.amount", 11990000, "2023-06-15"),
    ("procurement.by_year.2022.amount", 17960000, "2023-06-15"),
    ("procurement.last_four_years.growth", "0.50", "2023-06-15"),
]
FOUNDATION_DISTRICTS = {"330203", "330205", "330211", "330212", "330206", "330282", "330225"}


@pytest.mark.parametrize(("key", "value", "reference_date"), DESIGN_FIGURES)
def test_every_figure_of_the_design_is_a_published_figure(key, value, reference_date):
    figure = PublishedFigure.objects.get(key=key, reference_date=reference_date, district__isnull=True)
    assert figure.value == type(figure.value)(str(value))


def test_the_seven_foundation_districts_are_facts_without_organizations():
    facts = PublishedFigure.objects.filter(key="organizations.community_foundations")
    assert set(facts.values_list("district_id", flat=True)) == FOUNDATION_DISTRICTS
    assert all(fact.comparison == Comparison.AT_LEAST and fact.value == 1 for fact in facts)


def test_every_published_figure_cites_a_whole_sentence_of_the_reply_verbatim():
    for figure in PublishedFigure.objects.all():
        assert figure.sentence in REPLY, figure.key
        assert figure.sentence.endswith("。"), figure.key


def test_every_document_cites_the_reply_and_quoted_titles_appear_in_their_sentence():
    documents = list(Document.objects.all())
    assert len(documents) == 14
    for document in documents:
        assert document.sentence in REPLY
        if document.title_quoted:
            assert f"《{document.title}》" in document.sentence


def test_approximate_figures_are_the_about_and_more_than_ones():
    approximate = set(PublishedFigure.objects.filter(approximate=True).values_list("key", flat=True))
    assert approximate == {
        "party.members",
        "platforms.total",
        "platforms.welfare_lottery_city",
        "procurement.last_four_years.growth",
    }


def test_fixture_rows_pass_model_validation():
    for record in [*PublishedFigure.objects.all(), *Document.objects.all()]:
        record.full_clean()


def test_a_date_the_reply_gives_as_a_month_is_shown_as_a_month():
    document = Document.objects.get(title="关于推进宁波市政府职能向社会组织转移的实施意见")
    assert document.date_as_given == "2017年8月"
    assert "2017年8月" in document.sentence


def test_the_innovation_park_is_a_city_platform_opened_on_the_first_of_may_2020_and_says_why():
    park = Platform.objects.get(name="宁波(鄞州)社会组织创新园")
    assert (park.kind, park.level, park.division_id) == ("innovation_park", "city", "330200")
    assert park.opened_on == datetime.date(2020, 5, 1) and not park.is_demo
    citation = Citation.objects.get(content_type__model="platform", object_id=str(park.pk))
    assert citation.record == park
    assert citation.sentence in REPLY and "2020年5月" in citation.sentence and "创新园" in citation.sentence
    assert "月份" in citation.note or "月1日" in citation.note
    park.full_clean()


def test_the_replys_role_model_is_recorded_and_traceable_to_its_sentence():
    """ "其中钱海军被中宣部授予'时代楷模'称号": a person honour, with the sentence it comes from."""
    honour = Honour.objects.get(kind=HonourKind.ROLE_MODEL, person_name="钱海军")
    assert (honour.issuing_body, honour.title, honour.year) == ("中共中央宣传部", "时代楷模", 2022)
    citation = Citation.objects.get(content_type__model="honour", object_id=str(honour.pk))
    assert citation.record == honour and citation.sentence in REPLY and "钱海军被中宣部授予" in citation.sentence
    figure = PublishedFigure.objects.get(key="honours.role_model")
    assert figure.value == 1 and figure.sentence == citation.sentence
    assert compare(figure, honour_figures(figure.reference_date, None)["role_model"]).faithful is True

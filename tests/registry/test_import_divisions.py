"""`import_divisions`: townships and communities from a CSV, idempotent, all or nothing."""

import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from registry.models import Division

pytestmark = pytest.mark.django_db

HEADER = "code,name,parent_code,urban_rural_class\n"
# Two communities of 下应街道 (鄞州区): a residents' committee and a village.
COMMUNITIES = HEADER + "330212001001,测试居委会,330212001,111\n330212001201,测试村,330212001,220\n"


def write(tmp_path, text: str, encoding: str = "utf-8", name: str = "divisions.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path, verbosity: int = 1) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_divisions", str(path), stdout=out, verbosity=verbosity)
    return out.getvalue()


def rejection(path) -> str:
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("import_divisions", str(path), stdout=io.StringIO())
    return str(caught.value)


def snapshot() -> list[tuple]:
    return list(
        Division.objects.order_by("code").values_list("code", "name", "level", "parent", "urban", "urban_rural_class")
    )


def test_the_shipped_township_file_matches_the_fixture(tmp_path):
    path = settings.BASE_DIR / "fixtures" / "ningbo-townships-2022.csv"
    before = snapshot()
    assert "added 0, changed 0, unchanged 162." in run(path)
    assert snapshot() == before


def test_communities_are_added_with_level_and_urban_from_the_code(tmp_path):
    output = run(write(tmp_path, COMMUNITIES))
    assert "added 2, changed 0, unchanged 0." in output
    urban, rural = Division.objects.get(code="330212001001"), Division.objects.get(code="330212001201")
    assert (urban.level, urban.parent_id, urban.urban, urban.urban_rural_class) == (
        "community",
        "330212001",
        True,
        "111",
    )
    assert (rural.level, rural.urban, rural.urban_rural_class) == ("community", False, "220")


def test_running_twice_on_the_same_file_changes_nothing_the_second_time(tmp_path):
    path = write(tmp_path, COMMUNITIES)
    run(path)
    after_first = snapshot()
    assert "added 0, changed 0, unchanged 2." in run(path)
    assert snapshot() == after_first


def test_a_changed_name_or_class_is_reported_and_applied(tmp_path):
    run(write(tmp_path, COMMUNITIES))
    renamed = HEADER + "330212001001,测试社区,330212001,112\n330212001201,测试村,330212001,220\n"
    output = run(write(tmp_path, renamed, name="renamed.csv"), verbosity=2)
    assert "added 0, changed 1, unchanged 1." in output
    assert "changed 330212001001" in output
    community = Division.objects.get(code="330212001001")
    assert (community.name, community.urban_rural_class) == ("测试社区", "112")


def test_parents_may_follow_their_children_in_the_file(tmp_path):
    text = HEADER + "330212098001,新社区,330212098,111\n330212098,新街道,330212,\n"
    assert "added 2" in run(write(tmp_path, text))
    assert Division.objects.get(code="330212098001").parent.parent_id == "330212"


@pytest.mark.parametrize(
    "row, words",
    [
        ("330203001001,错位社区,330212001,111", "does not start with 330212001"),  # community outside its township
        ("330203900,错位街道,330212,", "does not start with 330212"),  # township outside its district
        ("330212001401,编号越界,330212001,", "001–199"),  # neither residents' committee nor village
        ("330212001002,无上级,330212777,", "neither in the file nor in the registry"),
        ("330212001003,上级层级错,330212,", "must be a Township or street"),  # community directly under a district
        ("33021200100,十一位,330212001,", "6, 9 or 12 digits"),
        ("330212001004,,330212001,", "name is empty"),
        ("330212001005,分类错,330212001,999", "urban–rural class 999"),
        ("330212901,街道带分类,330212,111", "Only communities"),
        ("330204901,历史区划下,330204,", "historical code"),
    ],
)
def test_a_bad_row_rejects_the_whole_file_naming_row_and_problem(tmp_path, row, words):
    text = HEADER + "330212001001,正常社区,330212001,111\n" + row + "\n"
    before = snapshot()
    message = rejection(write(tmp_path, text))
    assert "row 3" in message and words in message, message
    assert snapshot() == before  # the good row 2 was not written either


def test_a_repeated_code_is_rejected(tmp_path):
    text = HEADER + "330212001001,甲,330212001,\n330212001001,乙,330212001,\n"
    assert "repeats row 2" in rejection(write(tmp_path, text))


def test_every_problem_is_listed(tmp_path):
    text = HEADER + "330203001001,甲,330212001,\n330212001401,乙,330212001,\n"
    message = rejection(write(tmp_path, text))
    assert "row 2" in message and "row 3" in message and "2 problems" in message


def test_a_wrong_header_is_rejected(tmp_path):
    assert "lacks parent_code" in rejection(write(tmp_path, "code,name\n330212001001,甲\n"))
    assert "unknown columns" in rejection(write(tmp_path, "code,name,parent_code,extra\n"))


def test_gb18030_files_are_read(tmp_path):
    path = write(tmp_path, COMMUNITIES, encoding="gb18030")
    assert "added 2" in run(path)
    assert Division.objects.get(code="330212001201").name == "测试村"


def test_a_utf8_bom_is_accepted(tmp_path):
    path = write(tmp_path, "\ufeff" + COMMUNITIES)
    assert "added 2" in run(path)


def test_the_admin_applies_the_same_placement_rule():
    misplaced = Division(code="330203001001", name="错位社区", level="community", parent_id="330212001")
    with pytest.raises(ValidationError) as caught:
        misplaced.full_clean()
    assert "code" in caught.value.message_dict
    Division(code="330212001009", name="正常社区", level="community", parent_id="330212001").full_clean()

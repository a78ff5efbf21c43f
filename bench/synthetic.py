"""Hand-made data of seed_demo's shape, for when `manage.py seed_demo` is not available.

`python -m bench.synthetic --scale N` (DATABASE_URL in the environment) writes 10,224 × N
organizations (the reply's split by type and level) and 48,847 × N community filings (18,003 urban,
30,844 rural) under invented demo communities of the real townships, with COPY. Every name is marked
【演示】 and every row is_demo. bench/run.py uses it only when seed_demo is missing, and says so.
"""

import argparse
import datetime
import io
import random

import django

ORGANIZATIONS = {"social_group": 2627, "social_service": 7528, "foundation": 69}
CITY_LEVEL = {"social_group": 603, "social_service": 400, "foundation": 36}
URBAN_FILINGS, RURAL_FILINGS = 18003, 30844
URBAN_COMMUNITIES, RURAL_COMMUNITIES = 692, 2056  # 26 and 15 filings a community
WORDS = (
    "阳光 爱心 志愿者 文化 体育 老年 青少年 书画 摄影 健康 科技 教育 环保 慈善 邻里 乡贤 家政 心理 法律 "
    "养老 助残 红十字 音乐 舞蹈 读书 象棋 篮球 足球 登山 太极 越剧 非遗 茶艺 园艺 垂钓 骑行 义工 护绿 调解 "
    "巾帼 新时代 海丝 甬城 三江 四明 天一 月湖 东钱湖 梁祝"
).split()
SUFFIXES = {
    "social_group": ["协会", "商会", "研究会", "联合会", "促进会", "学会"],
    "social_service": ["服务中心", "培训学校", "幼儿园", "养老院", "社工事务所", "发展中心"],
    "foundation": ["基金会", "慈善基金会", "教育基金会"],
}
FILING_SUFFIXES = ["队", "社", "协会", "服务队", "俱乐部", "志愿队", "兴趣小组", "调解室"]
FIELDS = ["elderly_children", "charity", "culture_sports", "agriculture", "civil_affairs", "other"]
CATEGORIES = ["self_governance", "public_safety", "service", "culture_sports", "other"]


def text_row(values) -> str:
    """One line of COPY's text format."""
    cells = []
    for value in values:
        if value is None:
            cells.append("\\N")
        elif isinstance(value, bool):
            cells.append("t" if value else "f")
        else:
            cells.append(str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " "))
    return "\t".join(cells) + "\n"


def copy_rows(model, rows: list[dict]) -> None:
    from django.db import connection

    columns = [field.column for field in model._meta.concrete_fields if field.column != "id"]
    buffer = io.StringIO()
    for row in rows:
        buffer.write(text_row(row[column] for column in columns))
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN", buffer, size=1 << 20
        )


def organizations(scale: int, rng: random.Random, now) -> None:
    from registry.choices import CITY_CODE, CREDIT_CODE_CATEGORY
    from registry.models import Division, Organization
    from registry.validators import uscc_with_check

    districts = list(
        Division.objects.filter(level="district", successor__isnull=True).order_by("code").values_list("code", "name")
    )
    rows, serial = [], 0
    for org_type, total in ORGANIZATIONS.items():
        for index in range(total * scale):
            serial += 1
            city = index < CITY_LEVEL[org_type] * scale
            code, place = (CITY_CODE, "宁波市") if city else districts[rng.randrange(len(districts))]
            name = f"{place}{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(SUFFIXES[org_type])}{serial}【演示】"
            registered_on = datetime.date(1995, 1, 1) + datetime.timedelta(days=rng.randrange(10_300))
            status = "active" if rng.random() > 0.04 else "deregistered"
            rows.append(
                {
                    "created": now,
                    "last_updated": now,
                    "uscc": uscc_with_check(f"5{CREDIT_CODE_CATEGORY[org_type]}{code}MJ{serial:07d}"),
                    "name": name,
                    "org_type": org_type,
                    "registered_by_id": code,
                    "registration_level": "city" if city else "district",
                    "domicile_id": None if city else code,
                    "registered_on": registered_on,
                    "status": status,
                    "status_date": None if status == "active" else datetime.date(2022, 6, 30),
                    "status_reason": "" if status == "active" else "演示：自行注销",
                    "legal_representative": rng.choice("张王李赵陈刘杨黄周吴") + rng.choice("伟芳娜敏静丽强磊军洋"),
                    "supervising_unit": "",
                    "business_scope": f"开展{rng.choice(WORDS)}相关的交流、培训和公益服务。",
                    "field": rng.choice(FIELDS),
                    "address": f"{place}演示路{rng.randrange(1, 999)}号",
                    "phone": f"138{rng.randrange(10**8):08d}",
                    "is_hub": False,
                    "is_support": False,
                    "is_community_foundation": False,
                    "is_demo": True,
                }
            )
            if len(rows) == 20_000:
                copy_rows(Organization, rows)
                rows = []
    copy_rows(Organization, rows)


def communities(scale: int) -> tuple[list, list]:
    """Demo communities under every real township: urban ones (001–199) and rural ones (200–399)."""
    from registry.models import Division

    townships = list(Division.objects.filter(level="township").order_by("code").values_list("code", "parent_id"))
    made: dict[bool, list] = {True: [], False: []}
    wanted = {True: URBAN_COMMUNITIES * scale, False: RURAL_COMMUNITIES * scale}
    for urban, first in ((True, 1), (False, 200)):
        for index in range(wanted[urban]):
            township, district = townships[index % len(townships)]
            number = first + index // len(townships)
            made[urban].append((f"{township}{number:03d}", township, district))
    rows = [
        Division(
            code=code,
            name=f"演示{'社区' if urban else '村'}{code[-3:]}【演示】",
            level="community",
            parent_id=township,
            is_demo=True,
        )
        for urban in (True, False)
        for code, township, _ in made[urban]
    ]
    for row in rows:
        row.derive()
    Division.objects.bulk_create(rows, batch_size=5_000, ignore_conflicts=True)
    return made[True], made[False]


def filings(scale: int, rng: random.Random, now) -> None:
    from registry.models import CommunityOrganization

    urban, rural = communities(scale)
    sequences: dict[tuple[str, int], int] = {}
    rows = []
    for is_urban, places, total in ((True, urban, URBAN_FILINGS), (False, rural, RURAL_FILINGS)):
        for index in range(total * scale):
            community, township, district = places[index % len(places)]
            filed_on = datetime.date(2005, 1, 1) + datetime.timedelta(days=rng.randrange(6_700))
            key = (township, filed_on.year)
            sequences[key] = sequences.get(key, 0) + 1
            active = rng.random() < 0.76
            rows.append(
                {
                    "created": now,
                    "last_updated": now,
                    "filing_number": f"{township}-{filed_on.year}-{sequences[key]:04d}",
                    "name": f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(FILING_SUFFIXES)}{index}【演示】",
                    "township_id": township,
                    "community_id": community,
                    "district_id": district,
                    "urban": is_urban,
                    "category": rng.choice(CATEGORIES),
                    "field": rng.choice(FIELDS),
                    "filed_on": filed_on,
                    "contact_person": rng.choice("张王李赵陈刘杨黄周吴") + rng.choice("伟芳娜敏静丽强磊军洋"),
                    "contact_phone": f"139{rng.randrange(10**8):08d}",
                    "member_count": rng.randrange(5, 120),
                    "active": active,
                    "last_active_on": datetime.date(2023, 5, 1) if active else None,
                    "status": "filed",
                    "status_date": None,
                    "status_reason": "",
                    "registered_as_id": None,
                    "is_demo": True,
                }
            )
            if len(rows) == 20_000:
                copy_rows(CommunityOrganization, rows)
                rows = []
    copy_rows(CommunityOrganization, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=333)
    args = parser.parse_args()
    django.setup()
    from django.db import transaction
    from django.utils import timezone

    rng, now = random.Random(args.seed), timezone.now()
    with transaction.atomic():
        organizations(args.scale, rng, now)
        filings(args.scale, rng, now)


if __name__ == "__main__":
    main()

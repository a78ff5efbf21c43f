"""Open data (DESIGN §11): a dated release of the public register under OPEN_DATA_ROOT.

A release for day D holds, of public records only, the organizations and filings that count on D (as
`stats/` counts them), the ratings in force on D and the credit-list entries in force on D, each as CSV
(UTF-8 with BOM) and JSON Lines, with a JSON Schema, a README that says which fields changed against
the previous release, a manifest (counts, and how many records were withheld as not public, so that
rows + withheld = `stats/` of D) and SHA-256 sums. The last OPEN_DATA_KEEP releases are kept.
`publish_open_data` is the whole job: the command calls it, and so can the daily job queue.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from core.exports.writers import csv_chunks
from ratings.models import Evaluation
from ratings.selectors import CURRENT_GRADE, GRADE_VALID_UNTIL, with_current_grade
from registry.models import CreditListEntry
from registry.models.credit import in_force_on
from reports.selectors import filings_counting_on, organizations_counting_on

RELEASE_NAME = re.compile(r"\d{4}-\d{2}-\d{2}")
# README.md is upper case, as the release writes it (a lower-case-only pattern hid it from /open-data/).
FILE_NAME = re.compile(r"[a-z_]+\.(csv|jsonl|json)|README\.md|SHA256SUMS")
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # JSON Schema type of a value: string, integer, boolean; dates are strings of format date
    title: str
    nullable: bool = False
    date: bool = False


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    fields: tuple[Field, ...]
    rows: Callable[[datetime.date], Iterator[dict]]
    withheld: Callable[[datetime.date], int]


def _organizations_on(day: datetime.date) -> QuerySet:
    counting = organizations_counting_on(day).filter(public=True)
    return with_current_grade(counting.select_related("registered_by", "domicile"), day).order_by("uscc")


def organization_rows(day: datetime.date) -> Iterator[dict]:
    for org in _organizations_on(day).iterator(chunk_size=2000):
        yield {
            "uscc": org.uscc,
            "name": org.name,
            "org_type": org.org_type,
            "registered_by": org.registered_by_id,
            "registered_by_name": org.registered_by.name,
            "domicile": org.domicile_id,
            "registered_on": org.registered_on,
            "legal_representative": org.legal_representative,
            "supervising_unit": org.supervising_unit,
            "business_scope": org.business_scope,
            "field": org.field,
            "grade": getattr(org, CURRENT_GRADE),
            "grade_valid_until": getattr(org, GRADE_VALID_UNTIL),
        }


def filing_rows(day: datetime.date) -> Iterator[dict]:
    filings = (
        filings_counting_on(day)
        .filter(public=True)
        .select_related("township", "community")
        .order_by("filing_number", "id")
    )
    for filing in filings.iterator(chunk_size=2000):
        yield {
            "filing_number": filing.filing_number,
            "name": filing.name,
            "district": filing.district_id,
            "township": filing.township_id,
            "township_name": filing.township.name,
            "community": filing.community_id,
            "community_name": filing.community.name,
            "urban": filing.urban,
            "category": filing.category,
            "field": filing.field,
            "filed_on": filing.filed_on,
        }


def rating_rows(day: datetime.date) -> Iterator[dict]:
    counting = organizations_counting_on(day).filter(public=True).values("pk")
    ratings = (
        Evaluation.objects.valid_on(day)
        .filter(organization__in=counting)
        .select_related("organization")
        .order_by("organization__uscc", "id")
    )
    for rating in ratings.iterator(chunk_size=2000):
        yield {
            "certificate": rating.pk,
            "uscc": rating.organization.uscc,
            "name": rating.organization.name,
            "grade": rating.grade,
            "valid_from": rating.concluded_on,
            "valid_until": rating.valid_until,
        }


def credit_list_rows(day: datetime.date) -> Iterator[dict]:
    entries = (
        CreditListEntry.objects.filter(
            in_force_on(day), organization__public=True, organization__registered_on__lte=day
        )
        .select_related("organization")
        .order_by("list_kind", "organization__uscc", "listed_on", "id")
    )
    for entry in entries.iterator(chunk_size=2000):
        yield {
            "list_kind": entry.list_kind,
            "uscc": entry.organization.uscc,
            "name": entry.organization.name,
            "listed_on": entry.listed_on,
            "ground": entry.reason,
        }


def _withheld_organizations(day: datetime.date) -> int:
    return organizations_counting_on(day).filter(public=False).count()


def _withheld_filings(day: datetime.date) -> int:
    return filings_counting_on(day).filter(public=False).count()


def _withheld_ratings(day: datetime.date) -> int:
    counting = organizations_counting_on(day).filter(public=False).values("pk")
    return Evaluation.objects.valid_on(day).filter(organization__in=counting).count()


def _withheld_listings(day: datetime.date) -> int:
    return CreditListEntry.objects.filter(in_force_on(day), organization__public=False).count()


def _text(name, title, **kw) -> Field:
    return Field(name, "string", title, **kw)


def _day(name, title, **kw) -> Field:
    return Field(name, "string", title, date=True, **kw)


RESOURCES = (
    Resource(
        "organizations",
        "社会组织（在册）",
        (
            _text("uscc", "统一社会信用代码"),
            _text("name", "名称"),
            _text("org_type", "类型（social_group 社会团体 / social_service 社会服务机构 / foundation 基金会）"),
            _text("registered_by", "登记管理机关代码"),
            _text("registered_by_name", "登记管理机关"),
            _text("domicile", "住所地区县代码", nullable=True),
            _day("registered_on", "成立登记日期"),
            _text("legal_representative", "法定代表人"),
            _text("supervising_unit", "业务主管单位"),
            _text("business_scope", "业务范围"),
            _text("field", "活动领域"),
            Field("grade", "integer", "评估等级（1–5，即 1A–5A）", nullable=True),
            _day("grade_valid_until", "评估等级有效期至", nullable=True),
        ),
        organization_rows,
        _withheld_organizations,
    ),
    Resource(
        "filings",
        "社区社会组织备案（在册）",
        (
            _text("filing_number", "备案编号"),
            _text("name", "名称"),
            _text("district", "区县代码"),
            _text("township", "乡镇（街道）代码"),
            _text("township_name", "乡镇（街道）"),
            _text("community", "社区（村）代码"),
            _text("community_name", "社区（村）"),
            Field("urban", "boolean", "城市社区"),
            _text("category", "类别"),
            _text("field", "服务领域"),
            _day("filed_on", "备案日期"),
        ),
        filing_rows,
        _withheld_filings,
    ),
    Resource(
        "ratings",
        "有效评估等级",
        (
            Field("certificate", "integer", "证书编号（/public/certificates/<编号>/ 核验）"),
            _text("uscc", "统一社会信用代码"),
            _text("name", "名称"),
            Field("grade", "integer", "评估等级（1–5）"),
            _day("valid_from", "有效期自"),
            _day("valid_until", "有效期至"),
        ),
        rating_rows,
        _withheld_ratings,
    ),
    Resource(
        "credit_lists",
        "信用名单（当前列入）",
        (
            _text("list_kind", "名单（abnormal 活动异常名录 / serious 严重违法失信名单）"),
            _text("uscc", "统一社会信用代码"),
            _text("name", "名称"),
            _day("listed_on", "列入日期"),
            _text("ground", "列入事由"),
        ),
        credit_list_rows,
        _withheld_listings,
    ),
)


def _json_value(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _csv_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def json_schema(resources: Iterable[Resource]) -> dict:
    definitions = {}
    for resource in resources:
        properties = {}
        for field in resource.fields:
            prop = {"title": field.title, "type": [field.type, "null"] if field.nullable else field.type}
            if field.date:
                prop["format"] = "date"
            properties[field.name] = prop
        definitions[resource.name] = {
            "title": resource.title,
            "type": "object",
            "properties": properties,
            "required": [field.name for field in resource.fields],
            "additionalProperties": False,
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "宁波市社会组织公示开放数据：每行一条记录",
        "$defs": definitions,
    }


def releases_root() -> Path:
    return Path(settings.OPEN_DATA_ROOT)


def releases(root: Path | None = None) -> list[Path]:
    """The releases under the root, newest first."""
    base = Path(root or releases_root())
    if not base.is_dir():
        return []
    found = [path for path in base.iterdir() if path.is_dir() and RELEASE_NAME.fullmatch(path.name)]
    return sorted(found, key=lambda path: path.name, reverse=True)


def manifest_of(release: Path) -> dict:
    return json.loads((release / "manifest.json").read_text(encoding="utf-8"))


def field_changes(previous: dict | None, current: dict) -> list[str]:
    """What a reader of the previous release must know: resources and fields added or removed."""
    if previous is None:
        return ["首次发布。"]
    lines = []
    for name, fields in current["fields"].items():
        before = previous.get("fields", {}).get(name)
        if before is None:
            lines.append(f"新增数据集 {name}。")
            continue
        added = [f for f in fields if f not in before]
        removed = [f for f in before if f not in fields]
        if added:
            lines.append(f"{name}：新增字段 {', '.join(added)}。")
        if removed:
            lines.append(f"{name}：删除字段 {', '.join(removed)}。")
    for name in previous.get("fields", {}):
        if name not in current["fields"]:
            lines.append(f"删除数据集 {name}。")
    return lines or ["字段无变化。"]


def readme(manifest: dict, changes: list[str], previous: str | None) -> str:
    lines = [
        f"# 宁波市社会组织公示开放数据 {manifest['date']}",
        "",
        "宁波市民政局发布。内容为截至当日（北京时间）公示的在册社会组织、社区社会组织备案、有效评估等级与",
        "信用名单，不含任何电话、身份证号码、联系人、个人住址或内部记录；标记为不公示的记录不在其中。",
        "每个数据集各有 CSV（UTF-8，带 BOM）与 JSON Lines 两种格式，字段见 schema.json，校验和见 SHA256SUMS。",
        "",
        "## 数据集",
        "",
        "| 数据集 | 条数 | 未公示（不含） |",
        "|---|---|---|",
    ]
    for name, count in manifest["counts"].items():
        lines.append(f"| {name} | {count} | {manifest['withheld'][name]} |")
    lines += ["", f"## 字段变化（与上一版本{' ' + previous if previous else ''}相比）", ""]
    lines += [f"- {change}" for change in changes]
    return "\n".join(lines) + "\n"


def _write_resource(directory: Path, resource: Resource, day: datetime.date) -> int:
    names = [field.name for field in resource.fields]
    count = 0
    with (
        open(directory / f"{resource.name}.csv", "wb") as csv_file,
        open(directory / f"{resource.name}.jsonl", "w", encoding="utf-8", newline="\n") as lines,
    ):

        def csv_rows():
            nonlocal count
            for row in resource.rows(day):
                count += 1
                lines.write(json.dumps({k: _json_value(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
                yield [_csv_value(row[name]) for name in names]

        for chunk in csv_chunks(names, csv_rows()):
            csv_file.write(chunk)
    return count


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def publish_open_data(*, day: datetime.date, root: Path | None = None, keep: int | None = None) -> Path:
    """Write the release of `day` (replacing one of the same day), drop all but the newest `keep`, and
    return the release's directory. Written into a temporary directory first and moved in whole, so a
    reader never sees half a release."""
    base = Path(root or settings.OPEN_DATA_ROOT)
    keep = keep or settings.OPEN_DATA_KEEP
    base.mkdir(parents=True, exist_ok=True)
    earlier = [path for path in releases(base) if path.name < day.isoformat()]
    previous = manifest_of(earlier[0]) if earlier and (earlier[0] / "manifest.json").exists() else None
    work = Path(tempfile.mkdtemp(prefix=f".{day.isoformat()}-", dir=base))
    try:
        manifest = {"format_version": FORMAT_VERSION, "date": day.isoformat(), "counts": {}, "withheld": {}}
        manifest["fields"] = {resource.name: [field.name for field in resource.fields] for resource in RESOURCES}
        for resource in RESOURCES:
            manifest["counts"][resource.name] = _write_resource(work, resource, day)
            manifest["withheld"][resource.name] = resource.withheld(day)
        (work / "schema.json").write_text(
            json.dumps(json_schema(RESOURCES), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        changes = field_changes(previous, manifest)
        manifest["field_changes"] = changes
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (work / "README.md").write_text(
            readme(manifest, changes, previous["date"] if previous else None), encoding="utf-8"
        )
        sums = [f"{_sha256(path)}  {path.name}" for path in sorted(work.iterdir()) if path.name != "SHA256SUMS"]
        (work / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
        work.chmod(0o755)
        target = base / day.isoformat()
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    for old in releases(base)[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return target

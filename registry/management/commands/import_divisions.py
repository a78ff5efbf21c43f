"""`python manage.py import_divisions FILE`: bring townships and communities up to date from a CSV.

The file has the columns `code,name,parent_code,urban_rural_class` (the last may be absent), as
`fixtures/ningbo-townships-2022.csv`. UTF-8 (with or without BOM) is read, and GB 18030 (what
spreadsheet programs on Chinese Windows write) when the file is not UTF-8.
"""

import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.choices import ChangeSource
from core.context import change_context
from registry.services import DivisionImportRejected, DivisionRow, divisions_import

REQUIRED_COLUMNS = ("code", "name", "parent_code")
OPTIONAL_COLUMNS = ("urban_rural_class",)


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise CommandError(_("%(path)s: neither UTF-8 nor GB 18030 text.") % {"path": path}) from None


def read_rows(path: Path) -> list[DivisionRow]:
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    columns = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = columns
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise CommandError(
            _("%(path)s: the header lacks %(missing)s (expected %(expected)s).")
            % {"path": path, "missing": ", ".join(missing), "expected": ",".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}
        )
    unknown = [name for name in columns if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise CommandError(_("%(path)s: unknown columns %(columns)s.") % {"path": path, "columns": ", ".join(unknown)})
    rows = []
    for record in reader:
        if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
            continue  # blank line
        if None in record:
            raise CommandError(
                _("%(path)s: row %(line)d has more values than the header has columns.")
                % {"path": path, "line": reader.line_num}
            )
        rows.append(
            DivisionRow(
                line=reader.line_num,
                code=record["code"] or "",
                name=record["name"] or "",
                parent_code=record["parent_code"] or "",
                urban_rural_class=record.get("urban_rural_class") or "",
            )
        )
    return rows


class Command(BaseCommand):
    help = (
        "Add and update townships and communities from a CSV (code,name,parent_code,urban_rural_class), "
        "all or nothing. Running it again on the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file of divisions")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file.") % {"path": path})
        rows = read_rows(path)
        try:
            with change_context(source=ChangeSource.IMPORT):
                report = divisions_import(rows=rows)
        except DivisionImportRejected as rejected:
            details = "\n".join(f"  {problem}" for problem in rejected.problems)
            raise CommandError(
                _("%(path)s: rejected, nothing was written (%(n)d problems):")
                % {"path": path, "n": len(rejected.problems)}
                + "\n"
                + details
            ) from None
        verbosity = options["verbosity"]
        if verbosity >= 2:
            for code in report.added:
                self.stdout.write(_("added %(code)s") % {"code": code})
            for code, changes in report.changed.items():
                described = "; ".join(f"{name}: {old!r} → {new!r}" for name, (old, new) in changes.items())
                self.stdout.write(_("changed %(code)s: %(changes)s") % {"code": code, "changes": described})
        self.stdout.write(
            self.style.SUCCESS(
                _("%(file)s: added %(added)d, changed %(changed)d, unchanged %(unchanged)d.")
                % {
                    "file": path.name,
                    "added": len(report.added),
                    "changed": len(report.changed),
                    "unchanged": len(report.unchanged),
                }
            )
        )

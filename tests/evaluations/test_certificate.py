"""The printable certificate of a rating: `GET evaluations/{id}/certificate/` (DESIGN §8), its QR code
decoded from the page itself by zbarimg (installed by .ci/setup)."""

import datetime
import re
import shutil
import struct
import subprocess
import zlib

import pytest
from django.contrib.staticfiles import finders

from ratings.services import evaluation_revoke
from registry.choices import CITY_CODE
from tests.conftest import make_organization
from tests.ratings.builders import make_evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-06-01")]


def certificate_url(evaluation) -> str:
    return f"/api/v1/evaluations/{evaluation.pk}/certificate/"


def dark_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules of segno's SVG path: `M x y` and `m dx dy` move, `h n` draws n modules at row y."""
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)
    x = y = 0.0
    dark = set()
    for command, first, second in re.findall(r"([MmHh])\s*(-?[\d.]+)(?:[\s,]+(-?[\d.]+))?", path):
        a = float(first)
        if command == "M":
            x, y = a, float(second)
        elif command == "m":
            x, y = x + a, y + float(second)
        else:
            start = x if command == "h" else 0.0
            end = start + a if command == "h" else a
            dark.update((column, int(y)) for column in range(int(start), int(end)))
            x = end
    return dark


def png_of(dark: set[tuple[int, int]], pixels: int = 8, quiet: int = 4) -> bytes:
    """A black-on-white greyscale PNG of the modules, with a quiet zone around them."""
    size = max(max(column, row) for column, row in dark) + 1 + 2 * quiet
    rows = []
    for row in range(size):
        line = bytes(
            0 if (column - quiet, row - quiet) in dark else 255 for column in range(size) for _ in range(pixels)
        )
        rows.extend([b"\x00" + line] * pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    side = size * pixels
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def test_the_certificate_shows_the_organization_grade_and_validity_in_chinese(clerk_api):
    organization = make_organization(registered_by_id=CITY_CODE, name="宁波市测试公益协会")
    evaluation = make_evaluation(organization, grade=4, concluded_on="2024-03-01")
    response = clerk_api.get(certificate_url(evaluation))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "社会组织评估等级证书" in page and "宁波市测试公益协会" in page and organization.uscc in page
    assert "4A级" in page and "2029年2月28日" in page and "<svg" in page
    stylesheet = re.search(r'href="([^"]+certificate\.css)"', page).group(1)
    css = open(finders.find(stylesheet.removeprefix("/static/"))).read()
    assert "@media print" in css and "@page" in css


def test_the_qr_code_on_the_page_decodes_to_the_public_verification_url(clerk_api, settings, tmp_path):
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.skip("zbarimg is not installed (apt-get install zbar-tools; .ci/setup installs it)")
    settings.PUBLIC_BASE_URL = "https://shzz.nbmz.example.cn"
    evaluation = make_evaluation(grade=5, concluded_on="2024-03-01")
    page = clerk_api.get(certificate_url(evaluation)).content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    image = tmp_path / "qr.png"
    image.write_bytes(png_of(dark_modules(svg)))
    decoded = subprocess.run([zbarimg, "--raw", "-q", str(image)], capture_output=True, text=True, check=True)
    assert decoded.stdout.strip() == f"https://shzz.nbmz.example.cn/public/certificates/{evaluation.pk}/"


def test_the_certificate_of_a_revoked_rating_says_it_is_no_longer_valid(clerk_api):
    evaluation = make_evaluation(grade=3, concluded_on=datetime.date(2024, 3, 1))
    evaluation_revoke(evaluation=evaluation, on=datetime.date(2025, 1, 2), reason="出借证书", actor=None)
    page = clerk_api.get(certificate_url(evaluation)).content.decode()
    assert "已取消" in page


@pytest.mark.parametrize("role", ["auditor_api", "yinzhou_api"])
def test_every_role_reads_a_certificate_and_anonymous_gets_401(request, role, anonymous_api):
    evaluation = make_evaluation(grade=5, concluded_on="2024-03-01")
    assert request.getfixturevalue(role).get(certificate_url(evaluation)).status_code == 200
    assert anonymous_api.get(certificate_url(evaluation)).status_code == 401
    assert request.getfixturevalue(role).get("/api/v1/evaluations/999999/certificate/").status_code == 404


def test_a_certificate_id_beyond_64_bit_integers_is_not_found(clerk_api):
    assert clerk_api.get(f"/api/v1/evaluations/{10**30}/certificate/").status_code == 404

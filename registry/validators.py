"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015) of organizations registered by civil affairs."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CIVIL_AFFAIRS_AUTHORITY = "5"
CIVIL_AFFAIRS_CATEGORIES = {"1", "2", "3"}
# GB 11714 organization code (positions 9–17 of a credit code): weights of its first eight characters.
# python-stdnum's cn.uscc checks only position 18, so position 17 is checked here.
ORGANIZATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalise_uscc(value: str) -> str:
    """Full-width to half-width (NFKC), all whitespace removed, upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()


def check_uscc_form(code: str) -> None:
    """Refuse a code whose length, characters, authority, category or check character is wrong.

    The division segment and the category's agreement with the organization's type are checked by
    the organization, which knows the divisions and its type.
    """
    if len(code) != 18:
        raise ValidationError(
            _("A credit code has 18 characters; this one has %(n)d.") % {"n": len(code)}, code="uscc_length"
        )
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        raise ValidationError(
            _("A credit code may not contain %(chars)s (allowed: digits and %(letters)s).")
            % {"chars": "、".join(bad), "letters": ALPHABET[10:]},
            code="uscc_characters",
        )
    if code[0] != CIVIL_AFFAIRS_AUTHORITY:
        raise ValidationError(
            _("Position 1 (registering authority) is %(found)s; organizations registered by civil affairs have 5.")
            % {"found": code[0]},
            code="uscc_authority",
        )
    if code[1] not in CIVIL_AFFAIRS_CATEGORIES:
        raise ValidationError(
            _(
                "Position 2 (category) is %(found)s; civil affairs registers 1 (social group), 2 (social service "
                "institution) or 3 (foundation)."
            )
            % {"found": code[1]},
            code="uscc_category",
        )
    if not code[2:8].isdigit():
        raise ValidationError(_("Positions 3–8 (division code) must be digits."), code="uscc_division")
    expected = organization_code_check(code[8:16])
    if code[16] != expected:
        raise ValidationError(
            _(
                "Position 17 (check character of the organization code, positions 9–17) is %(found)s; for "
                "positions 9–16 it must be %(expected)s."
            )
            % {"found": code[16], "expected": expected},
            code="uscc_organization_check",
        )
    expected = stdnum_uscc.calc_check_digit(code)
    if code[17] != expected:
        raise ValidationError(
            _("Position 18 (check character) is %(found)s; for the first 17 characters it must be %(expected)s.")
            % {"found": code[17], "expected": expected},
            code="uscc_check",
        )


def organization_code_check(body: str) -> str:
    """The GB 11714 check character of an organization code's eight characters.

    Digits count as themselves and letters A–Z as 10–35; `11 − (sum mod 11)`, where 10 is written X
    and 11 is written 0.
    """
    total = sum(int(char, 36) * weight for char, weight in zip(body, ORGANIZATION_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def uscc_with_checks(first16: str) -> str:
    """Complete 16 characters with both check characters, positions 17 and 18 (demo data and tests)."""
    return uscc_with_check(first16 + organization_code_check(first16[8:16]))


def uscc_with_check(first17: str) -> str:
    """Complete 17 characters with their check character (used by demo data and tests)."""
    return first17 + stdnum_uscc.calc_check_digit(first17)

"""The API's JSON parser: the charsets the API documents (docs/api.md), a cap on nesting, and no lone
surrogates (each a 500 before, found by hand)."""

import codecs
import json

from django.http.multipartparser import parse_header_parameters
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.parsers import JSONParser

# The charsets a body may declare (docs/api.md, "Conventions"); another one is a 415.
ACCEPTED_CHARSETS = frozenset({"utf-8", "gb18030", "gbk"})
# No resource nests deeper than a few levels; 1,000 levels made the decoder raise RecursionError.
MAX_JSON_DEPTH = 32


def _charset_of(media_type: str | None) -> str:
    _type, parameters = parse_header_parameters(media_type or "")
    declared = parameters.get("charset")
    if not declared:
        return "utf-8"
    try:
        name = codecs.lookup(declared.strip()).name
    except LookupError:
        name = declared
    return name.replace("_", "-")


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_json_value(value) -> None:
    """Refuse nesting beyond MAX_JSON_DEPTH and a lone surrogate in any key or string (the renderer
    cannot encode one when an error message echoes it). Iterative: no recursion on hostile input."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise ParseError(_("JSON nested deeper than %(depth)d levels.") % {"depth": MAX_JSON_DEPTH})
            if isinstance(item, dict):
                for key, child in item.items():
                    if _has_lone_surrogate(key):
                        raise ParseError(_("JSON text with an unpaired surrogate (U+D800 to U+DFFF)."))
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and _has_lone_surrogate(item):
            raise ParseError(_("JSON text with an unpaired surrogate (U+D800 to U+DFFF)."))


class RegistryJSONParser(JSONParser):
    """DRF's JSON parser, decoding only the charsets the API documents, refusing deep nesting and
    lone surrogates with a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        charset = _charset_of(media_type)
        if charset not in ACCEPTED_CHARSETS:
            raise UnsupportedMediaType(
                media_type,
                detail=_("Unsupported charset %(charset)s: send UTF-8 (or GB18030/GBK).") % {"charset": charset},
            )
        try:
            text = stream.read().decode(charset)
            value = json.loads(text, parse_constant=self._refuse_constant)
        except RecursionError:
            raise ParseError(_("JSON nested deeper than %(depth)d levels.") % {"depth": MAX_JSON_DEPTH}) from None
        except ValueError as error:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None
        check_json_value(value)
        return value

    @staticmethod
    def _refuse_constant(name: str):
        raise ValueError(f"{name} is not valid JSON")

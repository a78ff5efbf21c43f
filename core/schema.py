"""OpenAPI description of the registry's token authentication (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class HashedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.auth.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: the key printed by `manage.py create_api_client` or shown once in the "
            "admin when a clerk issues a token.",
        }


def document_export_formats(result, generator, request, public):
    """Post-processing hook: a list that takes `format=csv|xlsx` answers 200 with those media types too
    (core.exports streams them), so the schema says so beside the JSON page."""
    from core.exports.renderers import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE

    for item in result.get("paths", {}).values():
        operation = item.get("get")
        if not operation or not any(
            parameter.get("name") == "format" and parameter.get("in") == "query"
            for parameter in operation.get("parameters", [])
        ):
            continue
        content = operation.get("responses", {}).get("200", {}).get("content")
        if content is None:
            continue
        content.setdefault(CSV_MEDIA_TYPE, {"schema": {"type": "string"}})
        content.setdefault(XLSX_MEDIA_TYPE, {"schema": {"type": "string", "format": "binary"}})
    return result

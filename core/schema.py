"""The OpenAPI schema (drf-spectacular) in one place: the token authentication, the operations' tags,
summaries and descriptions, and the constraints the validation enforces."""

import inspect

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from core.api.serializers import EARLIEST_FACT_DATE, FactDateField


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


# --- The operations of /api/docs/: grouped by resource, summarised in Chinese, described by their own
# docstrings (docs/decisions/0190-api-schema.md). ---

# Each resource (the first segment after /api/v1/) is a tag; its Chinese name heads its group and
# names its operations. A new resource needs its line here (tests/core/test_api_schema.py says so).
RESOURCES = {
    "annual-reports": "年度工作报告",
    "changes": "变更记录",
    "community-organizations": "社区社会组织备案",
    "credit-list-entries": "信用名录",
    "demand-responses": "服务需求响应（接单）",
    "departments": "购买主体部门",
    "divisions": "行政区划",
    "evaluation-applications": "评估申请",
    "evaluation-rounds": "评估批次",
    "evaluations": "社会组织评估等级",
    "export-log": "导出日志",
    "exports": "后台导出",
    "feed": "变更流",
    "filing-supports": "备案组织支持平台",
    "honours": "荣誉",
    "objections": "评估异议",
    "organization-people": "社会组织负责人",
    "organizations": "社会组织",
    "party-committees": "社会组织综合党委",
    "party-organizations": "党组织",
    "penalties": "行政处罚",
    "platform-assessments": "平台规范化评估",
    "platform-funding": "平台资金",
    "platform-incubations": "孵化（以社育社）",
    "platform-ratings": "平台星级评定",
    "platforms": "社会组织服务平台",
    "registration-events": "登记事项变更记录（成立、变更、注销登记）",
    "procurement-totals": "政府购买服务合计",
    "project-caps": "单个项目购买金额上限",
    "purchased-services": "政府购买服务项目",
    "report-deadlines": "年度工作报告截止日期",
    "service-demands": "服务需求（点单）",
    "stats": "统计数据",
    "supervision-proposals": "监督建议",
    "transferred-functions": "政府转移职能",
    "webhook-deliveries": "Webhook 推送记录",
    "webhooks": "Webhook 订阅",
}

# What an operation does, by viewset action (or HTTP method for a plain view); `{}` is the resource.
OPERATIONS = {
    "list": "{}列表",
    "retrieve": "查看{}",
    "create": "新建{}",
    "update": "修改{}",
    "partial_update": "部分修改{}",
    "destroy": "删除{}",
    "get": "查询{}",
    "bulk": "批量同步{}",
    "deregister": "注销{}登记",
    "reinstate": "恢复{}（撤回误录的状态变更）",
    "close": "关闭{}",
    "reopen": "重新启用{}",
    "withdraw": "撤销{}",
    "remove": "移出{}",
    "award": "确定{}承接主体",
    "deliver": "{}验收完成",
    "accept": "接受{}",
    "downgrade": "降低{}",
    "confirm": "确认{}",
    "confirm_all": "批量确认{}",
    "dismiss": "不予采纳{}",
    "totals": "{}按年度和来源合计",
    "coverage": "{}的镇乡（街道）覆盖情况",
    ("exports", "create"): "申请{}",
    ("exports", "file"): "下载{}的文件",
    ("organizations", "revoke"): "撤销{}登记",
    ("evaluations", "revoke"): "取消{}",
    ("evaluation-applications", "accept"): "受理{}（审核参评资格）",
    ("evaluation-applications", "withdraw"): "撤回{}",
    "refuse": "不予受理{}",
    "score": "{}评分",
    "publish": "公示{}的评估结果",
    "conclude": "确认{}的评估等级",
    "decide": "对{}作出复核决定",
    ("community-organizations", "cancel"): "注销{}",
    ("purchased-services", "cancel"): "取消{}",
    ("service-demands", "cancel"): "取消{}",
}

CREDIT_CODE_PATTERN = "^[0-9A-HJ-NP-RTUWXY]{18}$"
LIBRARY_MODULES = ("core.", "rest_framework.", "django.")


def _own_doc(obj) -> str:
    """A class's own docstring, never one inherited from a base class (the base viewset's and the
    mixins' docstrings describe the code, not the operation)."""
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if doc else ""


class RegistryAutoSchema(AutoSchema):
    """The project's AutoSchema (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]): tags, Chinese summaries, own
    descriptions, ordering labels in the request's language and the constraints the validation enforces."""

    def _resource(self) -> str:
        path = self.path.split("/api/v1/", 1)[-1]
        return path.strip("/").split("/", 1)[0]

    def get_tags(self) -> list[str]:
        return [self._resource()]

    def get_summary(self) -> str | None:
        resource = self._resource()
        name = RESOURCES.get(resource, resource)
        action = getattr(self.view, "action", None) or self.method.lower()
        template = OPERATIONS.get((resource, action)) or OPERATIONS.get(action)
        return template.format(name) if template else None

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":  # core.idempotency: every POST of the API
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    pattern=r"^[!-~]{1,255}$",
                    description="A key of your own (a UUID): a repeat with the same key and body within 24 hours "
                    "answers the first response and writes nothing; the same key with another body is a 422.",
                )
            )
        return parameters

    def get_description(self) -> str:
        action = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        if action is not None and not action.__module__.startswith(LIBRARY_MODULES) and action.__doc__:
            return inspect.cleandoc(action.__doc__)
        return _own_doc(type(self.view))

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        own = _own_doc(type(serializer))
        if not getattr(getattr(serializer, "Meta", None), "description", None) and own != schema.get("description", ""):
            schema.pop("description", None)
            if own:
                schema["description"] = own
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if "$ref" in schema or schema.get("readOnly"):
            return schema
        if isinstance(field, FactDateField):
            bounds = _("From %(earliest)s to %(years)d year(s) from today.") % {
                "earliest": EARLIEST_FACT_DATE.isoformat(),
                "years": field.years_ahead,
            }
            schema["description"] = _join(schema.get("description"), bounds)
        elif "uscc" in (field.field_name, (field.source or "").rsplit(".", 1)[-1]):
            schema.update(pattern=CREDIT_CODE_PATTERN, minLength=18, maxLength=18)
        elif isinstance(field, serializers.SlugRelatedField) and schema.get("type") == "string":
            target = field.get_queryset().model._meta.get_field(field.slug_field)
            if target.max_length:
                schema.setdefault("maxLength", target.max_length)
        return schema

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            if parameter.get("name") == "ordering":
                parameter["description"] = self._ordering_description(parameter)
        return parameters

    def _ordering_description(self, parameter) -> str:
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        serializer_fields = {}
        if hasattr(self.view, "get_serializer_class"):
            serializer_fields = self.view.get_serializer_class()().fields
        lines = [str(_("Order by these fields, comma-separated; a leading - for descending."))]
        for value in (parameter.get("schema", {}).get("items") or {}).get("enum", []):
            name = value.lstrip("-")
            try:
                label = model._meta.get_field(name).verbose_name
            except (AttributeError, FieldDoesNotExist):
                field = serializer_fields.get(name)
                label = field.label if field is not None and field.label else name
            if value.startswith("-"):
                label = _("%(label)s (descending)") % {"label": label}
            lines.append(f"* `{value}` - {label}")
        return "\n".join([lines[0], "", *lines[1:]])

    def _get_pagination_parameters(self):
        parameters = super()._get_pagination_parameters()
        for parameter in parameters:
            if parameter.get("name") == "page":
                parameter["schema"]["minimum"] = 1
            elif parameter.get("name") == "page_size":
                parameter["schema"].update(minimum=1, maximum=settings.REGISTRY_MAX_PAGE_SIZE, default=50)
        return parameters


def _join(first, second) -> str:
    return f"{first}\n\n{second}" if first else str(second)


def describe_tags(result, generator, request, public):
    """Post-processing hook: every tag (resource) in path order, with its Chinese name."""
    used = []
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for tag in operation.get("tags", []) if isinstance(operation, dict) else []:
                if tag not in used:
                    used.append(tag)
    result["tags"] = [{"name": tag, "description": RESOURCES.get(tag, "")} for tag in sorted(used)]
    return result


def leave_out_public_api(endpoints):
    """Pre-processing hook: the public verification API (/api/public/) is described by its own schema."""
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith("/api/public/")]


# A write's refused query parameters (core.filters.NoQueryParametersOnWrites, bulk's `dry_run` value):
# {"<parameter>": ["message", ...]}, distinct from the other shapes of a bulk 400.
QUERY_PARAMETER_ERRORS = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "not": {"anyOf": [{"required": ["non_field_errors"]}, {"required": ["errors"]}, {"required": ["detail"]}]},
    "description": "A query parameter refused: unknown on a write, or a `dry_run` that is not true or false.",
}


def document_query_parameter_errors(result, generator, request, public):
    """POSTPROCESSING_HOOKS: bulk sync's 400 may also name a refused query parameter."""
    schemas = result.get("components", {}).get("schemas", {})
    if "BulkBadRequest" in schemas:
        schemas["BulkQueryParameterError"] = QUERY_PARAMETER_ERRORS
        variants = schemas["BulkBadRequest"].setdefault("oneOf", [])
        reference = {"$ref": "#/components/schemas/BulkQueryParameterError"}
        if reference not in variants:
            variants.append(reference)
    return result

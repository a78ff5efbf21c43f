"""The interactive API docs (/api/docs/, /api/redoc/) served under the Content-Security-Policy
(docs/decisions/0132-content-security-policy.md): drf-spectacular's pages without their inline
script, inline style and web fonts from the internet (the machines have none)."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI; its start-up script is a second request to the same URL (`?script`), not inline."""

    template_name = "core/swagger_ui.html"


# ReDoc styles itself by inserting <style> elements as it renders (styled-components) and runs its
# search in a worker made from a blob: its page alone admits inline styles and blob workers.
@method_decorator(csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}), name="dispatch")
class ApiRedocView(SpectacularRedocView):
    template_name = "core/redoc.html"

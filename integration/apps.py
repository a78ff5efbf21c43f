from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationConfig(AppConfig):
    name = "integration"
    registry_app = True  # its permissions go to the roles (core.roles)
    verbose_name = _("District-system integration")

    def ready(self) -> None:
        # The feed's resources become outbox models of core (core.outbox.register): core knows no domain.
        from integration import feed

        feed.register_outbox_models()

        from core.metrics import register_gauge

        register_gauge(
            "registry_feed_lag_seconds", "Age of the oldest change not yet served by the feed", feed.feed_lag_seconds
        )

"""A deleted assessment, rating, funding or incubation record marks its platform as updated, as a
saved one does (see PlatformRecord), so incremental sync sees the platform's read-only fields change."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from platforms.models import PlatformRecord, touch_platforms


@receiver(post_delete)
def touch_platform_of_deleted_record(sender, instance, **kwargs):
    if isinstance(instance, PlatformRecord):
        touch_platforms({instance.platform_id})

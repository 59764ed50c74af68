from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from berdaya.core.audit import current_ip
from berdaya.core.models import AuditEvent


def too_many_failures(username: str, ip: str | None) -> bool:
    """Failures for this user name, or from this address, within the window (from the audit)."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    failures = AuditEvent.objects.filter(action="login.failed", at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    if failures.filter(actor_username=username.lower()[:150]).count() >= limit:
        return True
    return bool(ip) and failures.filter(ip=ip).count() >= limit * 4


class ThrottledModelBackend(ModelBackend):
    """Argon2-hashed passwords (settings) with sign-in throttling read from the audit trail."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and too_many_failures(username, current_ip.get()):
            # PermissionDenied stops the other backends and sends user_login_failed.
            raise PermissionDenied("throttled")
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user) -> bool:
        # The system account works only from the command line.
        return super().user_can_authenticate(user) and user.role != "system"

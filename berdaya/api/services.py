"""API tokens: made and revoked by their user or a province administrator, each audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require
from berdaya.api.models import ApiToken
from berdaya.core.audit import audit_record

TOKEN_PREFIX = "bdy_"
# A used token's "last used" moves at most this often: not a write per request.
LAST_USED_EVERY = dt.timedelta(minutes=5)


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _may_manage(actor: Any, user: Any) -> bool:
    return actor.pk == user.pk or actor.has_capability("users.manage")


@transaction.atomic
def token_create(
    *, actor: Any, user: Any, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """Make a token for `user` (oneself, or anyone for an administrator); return it and its
    secret, which is never stored and never shown again."""
    if not _may_manage(actor, user):
        raise PermissionDenied("api.tokens")
    if not user.is_active or not user.has_capability("api.use"):
        raise ValidationError(_("This user's role may not use the API."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Say what the token is for.")})
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 3650:
        raise ValidationError({"days": _("A token is valid for 1 to 3650 days.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[:12],
        digest=digest_of(raw),
        created_by=actor if getattr(actor, "pk", None) else None,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=token,
        after={
            "user": user.username,
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at,
        },
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken, reason: str = "") -> ApiToken:
    if not _may_manage(actor, token.user):
        raise PermissionDenied("api.tokens")
    rows = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor if getattr(actor, "pk", None) else None
    )
    token.refresh_from_db()
    if rows:
        audit_record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            after={"user": token.user.username, "prefix": token.prefix},
            note=reason,
        )
    return token


def token_user(raw: str) -> Any | None:
    """The user a presented token acts for, or None (unknown, revoked, expired, or the user
    may no longer use the API). Looked up by digest: the token is never compared in clear."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__region")
        .filter(digest=digest_of(raw), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None or not token.user.is_active or not token.user.has_capability("api.use"):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def tokens_for(actor: Any, *, everyone: bool = False):
    require(actor, "users.manage" if everyone else "api.use")
    qs = ApiToken.objects.select_related("user", "created_by", "revoked_by")
    return qs if everyone else qs.filter(user=actor)

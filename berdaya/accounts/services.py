from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.accounts.models import User
from berdaya.accounts.roles import Role
from berdaya.accounts.scope import require
from berdaya.core.audit import audit_record, changed, snapshot

USER_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "region",
    "agency",
    "phone",
    "is_active",
]


def system_user() -> User:
    """The built-in account `sistem` that owns CLI work done without --user."""
    user, _created = User.objects.get_or_create(
        username=settings.SYSTEM_USERNAME,
        defaults={"role": Role.SYSTEM, "first_name": "Sistem", "is_active": True},
    )
    if _created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def resolve_actor(username: str | None) -> User:
    """The user a CLI command works as: --user NAME, else the system account."""
    if not username:
        return system_user()
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist:
        raise ValidationError(_("No user named %(name)s.") % {"name": username}) from None
    if not user.is_active:
        raise ValidationError(_("The user %(name)s is not active.") % {"name": username})
    return user


@transaction.atomic
def user_create(*, actor: Any, password: str | None = None, **fields: Any) -> User:
    require(actor, "users.manage")
    user = User(**fields)
    user.full_clean(exclude=["password"])
    if User.objects.filter(username__iexact=user.username).exists():
        raise ValidationError({"username": _("This user name is already taken.")})
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(actor=actor, action="user.create", obj=user, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, **fields: Any) -> User:
    require(actor, "users.manage")
    if user.role == Role.SYSTEM:
        raise ValidationError(_("The system account cannot be changed."))
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user, USER_FIELDS)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    if user.pk == actor.pk and (not user.is_active or user.role != Role.PROVINCE_ADMIN):
        raise ValidationError(_("You cannot remove your own administrator access."))
    user.save()
    b, a = changed(before, snapshot(user, USER_FIELDS))
    if a:
        audit_record(actor=actor, action="user.update", obj=user, before=b, after=a)
    return user


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str) -> None:
    """An admin resets a password, or a user changes their own."""
    if actor.pk != user.pk:
        require(actor, "users.manage")
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.password", obj=user)

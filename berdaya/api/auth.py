from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from berdaya.api.services import token_user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer bdy_...`: the token's user, or 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = token_user(token.strip())
        if user is not None:
            # Services and selectors read the user from the request, as on the pages.
            request.user = user
        return user

"""The API's own routers. No `from __future__ import annotations` here: django-ninja reads the
parameter annotations at import, through the wrappers `paginate` puts around the views, and
string annotations would be looked up in the wrapper's module rather than here."""

"""The API is tried on the reports' world: proposals at every stage in two regions."""

from tests.reports.conftest import (  # noqa: F401
    built_in_stages,
    english_messages,
    kube,
    stocked,
    wrse,
)

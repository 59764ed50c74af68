"""`berdaya linkage-train`: the command's public name (the module name has an underscore)."""

from berdaya.verification.management.commands.linkage_train import Command  # noqa: F401

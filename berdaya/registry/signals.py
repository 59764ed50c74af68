"""Signals of the register, in a module of their own so that listening costs no heavy import."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after a register import's merge commits, with the ids of register records whose data
# changed (updated or left): verification re-checks the open proposals linked to them.
register_changed = Signal()

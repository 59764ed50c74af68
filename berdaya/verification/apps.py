from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "berdaya.verification"
    label = "verification"
    verbose_name = "Verification"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from berdaya.core.navigation import (
            NavItem,
            register_home_card,
            register_nav,
            register_person_panel,
        )
        from berdaya.intake import services as intake
        from berdaya.verification.dashboard import changes_card

        register_nav(
            NavItem(
                _("Proposals"), "verification:index", "proposals.view", order=200, prefix="/usulan/"
            )
        )
        register_home_card(changes_card)
        from berdaya.verification.panels import proposals_panel

        register_person_panel(proposals_panel)
        from berdaya.core.personal_data import register_source
        from berdaya.verification import personal_data

        for source in (
            personal_data.proposals_section,
            personal_data.comments_section,
            personal_data.documents_section,
        ):
            register_source(source)
        from berdaya.core.retention import register_rule
        from berdaya.verification.retention import refused_proposals_rule

        register_rule(refused_proposals_rule)
        from berdaya.registry.signals import register_changed

        # New or corrected proposals, and register rows that changed, are verified again. The
        # hooks import the verification services when called: the linkage engine behind them
        # (Splink, pandas) is not loaded by every command and web worker at start.
        if _mark_stale not in intake.proposals_changed_hooks:
            intake.proposals_changed_hooks.append(_mark_stale)
        register_changed.connect(_register_changed, dispatch_uid="verification-register")
        from berdaya.programs import services as programs

        if _mark_stale_for_program not in programs.recipients_changed_hooks:
            programs.recipients_changed_hooks.append(_mark_stale_for_program)
        from berdaya.registry import institutions

        if _mark_stale_for_institutions not in institutions.institutions_changed_hooks:
            institutions.institutions_changed_hooks.append(_mark_stale_for_institutions)


def _service(name: str):
    """A hook that imports the verification services only when it is first called."""

    def hook(*args, **kwargs):
        from berdaya.verification import services

        return getattr(services, name)(*args, **kwargs)

    hook.__name__ = name
    return hook


# Made once, at import: `ready` checks the hook lists for these very objects.
_mark_stale = _service("mark_stale")
_mark_stale_for_program = _service("mark_stale_for_program")
_mark_stale_for_institutions = _service("mark_stale_for_institutions")


def _register_changed(sender, import_run, record_ids, **kwargs) -> int:
    """Mark the open proposals linked to changed register rows, then verify them again."""
    from berdaya.accounts.services import system_user
    from berdaya.verification.services import mark_stale_for_register, reverify_stale

    if not mark_stale_for_register(record_ids):
        return 0
    actor = import_run.started_by or system_user()
    if not actor.has_capability("proposals.verify"):
        actor = system_user()
    return reverify_stale(actor=actor)

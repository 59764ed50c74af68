from django_tasks import task


@task()
def verify_task(run_id: int, actor_id: int) -> None:
    """Run a verification started by the button on the proposals page."""
    from berdaya.accounts.models import User
    from berdaya.verification.models import VerificationRun
    from berdaya.verification.services import verify

    run = VerificationRun.objects.select_related("program_year").get(pk=run_id)
    verify(actor=User.objects.get(pk=actor_id), program_year=run.program_year, run=run)

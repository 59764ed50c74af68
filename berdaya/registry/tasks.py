from django_tasks import task


@task()
def register_import_task(import_id: int) -> None:
    """Run a register import queued from the page (ids, never objects, cross the queue)."""
    from berdaya.registry.register_import import register_import_run

    register_import_run(import_id)

from django.db import migrations


def seed(apps, schema_editor):
    from berdaya.programs.defaults import SEED_PROGRAMS

    Program = apps.get_model("programs", "Program")
    for spec in SEED_PROGRAMS:
        Program.objects.get_or_create(code=spec["code"], defaults={**spec, "in_kind": True})


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

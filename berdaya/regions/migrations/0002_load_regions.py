from django.db import migrations


def load(apps, schema_editor):
    from berdaya.regions.services import regions_sync

    regions_sync(apps.get_model("regions", "Region"))


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

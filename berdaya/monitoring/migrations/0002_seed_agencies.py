from django.db import migrations


def seed(apps, schema_editor):
    from berdaya.monitoring.defaults import seed_agencies

    seed_agencies(apps.get_model("monitoring", "PartnerAgency"))


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

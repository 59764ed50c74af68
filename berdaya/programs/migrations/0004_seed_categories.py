from django.db import migrations


def seed(apps, schema_editor):
    from berdaya.programs.categories import PPKS_CATEGORIES
    from berdaya.programs.defaults import SEED_PROGRAMS

    WelfareCategory = apps.get_model("programs", "WelfareCategory")
    for number, code, name, age_min, age_max, sex, once_only in PPKS_CATEGORIES:
        WelfareCategory.objects.get_or_create(
            code=code,
            defaults={
                "number": number,
                "name": name,
                "age_min": age_min,
                "age_max": age_max,
                "sex": sex,
                "once_only": once_only,
            },
        )
    # Programmes seeded before categories and accreditation existed learn their new defaults.
    Program = apps.get_model("programs", "Program")
    ProgramYear = apps.get_model("programs", "ProgramYear")
    for spec in SEED_PROGRAMS:
        program = Program.objects.filter(code=spec["code"]).first()
        if program is None:
            continue
        missing = {k: v for k, v in spec["defaults"].items() if k not in program.defaults}
        if missing:
            program.defaults = {**program.defaults, **missing}
            program.save(update_fields=["defaults"])
        for year in ProgramYear.objects.filter(program=program):
            if "categories" in missing and not year.categories:
                year.categories = missing["categories"]
            if "accreditation_required" in missing:
                year.accreditation_required = missing["accreditation_required"]
                year.accreditation_validity = missing["accreditation_validity"]
            year.save()


class Migration(migrations.Migration):
    dependencies = [("programs", "0003_welfarecategory_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

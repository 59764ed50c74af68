from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_proposal_accreditation_proposal_accreditation_date_and_more")]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                fields=["program_year", "region", "submitted_at", "row_number", "id"],
                name="proposal_list_order",
            ),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                fields=["program_year", "id", "region", "status"],
                name="proposal_year_counts",
            ),
        ),
    ]

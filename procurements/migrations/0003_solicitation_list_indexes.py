# The lists' indexes: the public lists (partial, over the public states) by publication, the
# staff lists by creation, so a page is read off an index instead of sorting every row.

from django.db import migrations, models

PUBLIC = ["awarded", "closed", "opened", "published", "under_evaluation"]


class Migration(migrations.Migration):
    dependencies = [
        ("procurements", "0002_solicitation_due_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="solicitation",
            index=models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(status__in=PUBLIC),
                name="solicitation_public_list",
            ),
        ),
        migrations.AddIndex(
            model_name="solicitation",
            index=models.Index(
                fields=["municipality", "-published_at", "-id"],
                condition=models.Q(status__in=PUBLIC),
                name="solicitation_public_muni",
            ),
        ),
        migrations.AddIndex(
            model_name="solicitation",
            index=models.Index(
                fields=["municipality", "-created_at", "-id"], name="solicitation_muni_created"
            ),
        ),
    ]

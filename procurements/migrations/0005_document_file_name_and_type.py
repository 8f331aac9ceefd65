from django.db import migrations, models

# What the documents stored before content checks are served as: by their stored name's
# extension, and as an opaque download when it names none of the accepted kinds.
TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def names_and_types_of_earlier_documents(apps, schema_editor):
    Document = apps.get_model("procurements", "Document")
    for document in Document.objects.all():
        name = document.file.name.rsplit("/", 1)[-1]
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        document.file_name = name[:200]
        document.content_type = TYPES.get(extension, "application/octet-stream")
        document.save(update_fields=["file_name", "content_type"])


class Migration(migrations.Migration):
    dependencies = [
        ("procurements", "0004_shares_and_withdrawn"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="file_name",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="document",
            name="content_type",
            field=models.CharField(default="", max_length=100),
            preserve_default=False,
        ),
        migrations.RunPython(names_and_types_of_earlier_documents, migrations.RunPython.noop),
    ]

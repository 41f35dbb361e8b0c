"""The .xlsx writer makes a well-formed Office Open XML package (no spreadsheet app here)."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from assistant.xlsx import column_name, workbook

PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def test_every_part_is_declared_linked_and_well_formed() -> None:
    data = workbook([["a", 1, 2.5, None, "x<y&z\x01"], ["+1 403-555-0199"]], sheet_name="a/b:c")
    z = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: ElementTree.fromstring(z.read(name)) for name in z.namelist()}
    overrides = {o.get("PartName") for o in parts["[Content_Types].xml"].iter(f"{CT}Override")}
    assert overrides == {"/xl/workbook.xml", "/xl/worksheets/sheet1.xml", "/xl/styles.xml"}
    for rels, base in (("_rels/.rels", ""), ("xl/_rels/workbook.xml.rels", "xl/")):
        for rel in parts[rels].iter(f"{PKG}Relationship"):
            assert base + str(rel.get("Target")) in parts
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "x&lt;y&amp;z" in sheet and "\x01" not in sheet  # escaped, control characters gone
    assert '<c r="B1"><v>1</v></c>' in sheet and '<c r="C1"><v>2.5</v></c>' in sheet
    assert "D1" not in sheet  # an empty cell is left out
    assert 'name="a b c"' in z.read("xl/workbook.xml").decode()  # no forbidden characters


def test_column_names() -> None:
    assert [column_name(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip

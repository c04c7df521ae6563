#!/usr/bin/env python3
"""Recomputes the sheet hashes of loandesk workbooks with nothing but zip and XML
(docs/reports.md, "Sheet hashes"), prints them, and compares each with the hash
the workbook's signature sheet lists. Exit 1 when any differs.

    python3 scripts/sheet_hashes.py FILE.xlsx...
"""
import hashlib
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def string_item(si):
    """The <t> texts of a string item, rich text runs joined, phonetic runs left out."""
    parts = [si.find(M + "t")] + [r.find(M + "t") for r in si.findall(M + "r")]
    return "".join(t.text or "" for t in parts if t is not None)


def escape(v):
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def sheet_cells(z, path, shared):
    """(REF, TYPE, VALUE) of each cell with a value, in document order."""
    for c in ET.fromstring(z.read(path)).iter(M + "c"):
        t = c.get("t", "n")
        if t == "inlineStr":
            node = c.find(M + "is")
            if node is None:
                continue
            v = string_item(node)
        else:
            node = c.find(M + "v")
            if node is None:
                continue
            v = node.text or ""
            if t == "s":
                v = shared[int(v)]
        yield c.get("r"), t, v


def workbook(path):
    z = zipfile.ZipFile(path)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        root = ET.fromstring(z.read("xl/sharedStrings.xml"))
        shared = [string_item(si) for si in root.findall(M + "si")]
    rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    sheets = []
    for sheet in ET.fromstring(z.read("xl/workbook.xml")).iter(M + "sheet"):
        target = rels[sheet.get(R + "id")]
        part = target[1:] if target.startswith("/") else "xl/" + target
        h = hashlib.sha256()
        cells = list(sheet_cells(z, part, shared))
        for ref, t, v in cells:
            h.update(f"{ref}\t{t}\t{escape(v)}\n".encode("utf-8"))
        sheets.append((sheet.get("name"), h.hexdigest(), cells))
    return sheets


def main(paths):
    bad = 0
    for path in paths:
        sheets = workbook(path)
        names = {name for name, _, _ in sheets}
        listed = {}
        for name, _, cells in sheets:
            if name not in ("签名", "Signature"):
                continue
            col_a = {}
            for ref, _, v in cells:
                col, row = re.match(r"([A-Z]+)(\d+)$", ref).groups()
                if col == "A":
                    col_a[row] = v
                elif col == "B" and re.fullmatch(r"[0-9a-f]{64}", v) and col_a.get(row) in names:
                    listed[col_a[row]] = v
        for name, digest, cells in sheets:
            if name in ("签名", "Signature") or (not cells and name not in listed):
                continue
            ok = listed.get(name) == digest
            bad += not ok
            print(f"{'ok  ' if ok else 'BAD '} {digest}  {path}  {name}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

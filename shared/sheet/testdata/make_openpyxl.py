# Writes openpyxl_types.xlsx, a second writer's view of the cell types the
# reader must get right. Run from this folder with Debian's python3 and
# python3-openpyxl: /usr/bin/python3 make_openpyxl.py
import datetime
from openpyxl import Workbook

wb = Workbook()
ws = wb.active
ws.title = "household"
ws.append(["external_id", "name", "opened", "members", "ratio", "flag", "time", "note", "zip"])
ws.append(["HH-0001", "Wanjiru", datetime.date(2024, 3, 1), 4, 0.1 + 0.2, True, datetime.datetime(2024, 3, 1, 14, 30), "  spaced  ", "02134"])
ws.append(["HH-0002", "José Müller", datetime.date(1999, 12, 31), 0, 1e-7, False, datetime.time(9, 15), "line\nbreak", 80202])
ws.append([])
ws.append(["HH-0004", "Ünïcödé ✓ 日本", datetime.datetime(2030, 1, 1), -12.5, 123456789.123, None, None, "=not a formula", None])
ws["D5"].number_format = "0.00"
ws["E3"].number_format = "0.00E+00"
# Error values (openpyxl writes t="e"), a formula without a cached value,
# Excel's fictitious 1900-02-29 (serial 60), a custom non-date format, a
# large and a tiny number, and a cell far to the right of the others.
ws.append(["HH-0006", "#N/A", "=SUM(D2:D3)", 60, 42, 1e21, 1.5e-16, "#DIV/0!", None])
ws["D6"].number_format = "yyyy-mm-dd"
ws["E6"].number_format = '"ID-"0000'
ws["M6"] = "far"
ws2 = wb.create_sheet("member")
ws2.append(["external_id", "parent_external_id", "dob"])
for i in range(1, 30):
    ws2.append([f"M-{i:03d}", f"HH-{i % 3 + 1:04d}", datetime.date(1980 + i, (i % 12) + 1, (i % 28) + 1)])
ws2["C5"].number_format = "dd/mm/yyyy"
ws2["C6"].number_format = "mmmm d, yyyy"
ws2["C7"].number_format = "[$-409]d-mmm-yy;@"
ws2["C8"].number_format = "[h]:mm"
ws2["C9"].number_format = "[Red]0.00"
hidden = wb.create_sheet("secret")
hidden.sheet_state = "hidden"
hidden.append(["x"])
wb.save("openpyxl_types.xlsx")

"""A table as a CSV download that Dutch spreadsheets open as they are.

Semicolons separate the fields and numbers carry the decimal comma (what a
Dutch Excel expects); the UTF-8 byte order mark makes Excel read "é" and
"–" right. Text that a spreadsheet would run as a formula is defused.
"""

import csv
import io
from datetime import date

from flask import Response

from models.clock import local_today
from web.portal.coordinator.tables import Table, Value

# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_response(table: Table, dated: bool = True, today: date | None = None) -> Response:
    """The table as a download; ``dated`` adds today's date to the file name."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([_cell(value) for value in row] for row in table.rows)
    stem = f"wegwijs-{table.name}"
    filename = f"{stem}-{(today or local_today()).isoformat()}.csv" if dated else f"{stem}.csv"
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def _cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(",.").replace(".", ",") if value else "0"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text

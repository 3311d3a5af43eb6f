"""The JSON interchange format (`rmjournal-export`, version 1): export, validation and import.

The one plaintext form of a journal (design/interchange.md). Import validates the whole document
first and reports every problem with its JSON path, then merges by id in one transaction (the
newer `updated_at` wins, nothing is ever deleted), so a document with any problem changes nothing.
"""

from rmjournal.core.interchange.common import FORMAT, VERSION
from rmjournal.core.interchange.export import (
    dumps_document,
    export_document,
    export_json,
    iter_json,
)
from rmjournal.core.interchange.load import ImportReport, import_document, import_json
from rmjournal.core.interchange.validate import parse_document, validate_document

__all__ = [
    "FORMAT",
    "VERSION",
    "ImportReport",
    "dumps_document",
    "export_document",
    "export_json",
    "import_document",
    "import_json",
    "iter_json",
    "parse_document",
    "validate_document",
]

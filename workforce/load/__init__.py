"""Loading: from the files HR holds to clean, pseudonymised, validated tables.

Every loader reads a file the same way (find the table under its title rows,
map its headers to a schema, sort out rows that are not data, parse and check
types with pandera, normalise coded values), reports every problem with its
file, sheet, Excel row, column, value, stable :class:`ProblemCode` and fix in a
:class:`ValidationReport`, and accounts for every row (read = used + excluded).
The steps are one pipeline (``_pipeline``) shared by every loader.
"""

from ._counts import PEER_COLUMNS, PEER_MEASURES, load_peer_counts
from ._inputs import (
    BOARD_COLUMNS,
    DISCIPLINARY_COLUMNS,
    RECRUITMENT_COLUMNS,
    TRAINING_COLUMNS,
    InputTable,
    load_board,
    load_disciplinary,
    load_recruitment,
    load_training,
)
from ._read import EXCEL_SUFFIXES, KINDS, SUFFIXES, excel_column, guess_kind
from ._report import PROBLEM_COLUMNS, ProblemCode, ValidationReport
from ._schema import Schema, read_schema, schema_names
from ._service import Service, read_service
from ._staff import ASSIGNMENT_COLUMNS, PEOPLE_COLUMNS, StaffTable, load_staff

__all__ = [
    "StaffTable", "load_staff", "ASSIGNMENT_COLUMNS", "PEOPLE_COLUMNS",
    "InputTable", "load_recruitment", "load_disciplinary", "load_training", "load_board",
    "RECRUITMENT_COLUMNS", "DISCIPLINARY_COLUMNS", "TRAINING_COLUMNS", "BOARD_COLUMNS",
    "ValidationReport", "ProblemCode", "PROBLEM_COLUMNS", "Schema", "read_schema", "schema_names", "Service", "read_service",
    "EXCEL_SUFFIXES", "SUFFIXES", "excel_column", "KINDS", "guess_kind",
    "load_peer_counts", "PEER_COLUMNS", "PEER_MEASURES",
]

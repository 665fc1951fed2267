"""The documentation states facts that the code must keep true."""

import re
from pathlib import Path

from tinytorch import dtypes

DOCS = Path(__file__).resolve().parents[1] / "docs"
SHORT = {"b": "bool", "i1": "int8", "i2": "int16", "i4": "int32", "i8": "int64", "u1": "uint8",
         "u2": "uint16", "u4": "uint32", "u8": "uint64", "f2": "float16", "f4": "float32",
         "f8": "float64", "c8": "complex64", "c16": "complex128"}


def test_documented_promotion_table_matches_the_code():
    text = (DOCS / "dtypes.md").read_text()
    rows = [line for line in text.splitlines() if re.match(r"\| \*\*\w+\*\* \|", line)]
    header = next(line for line in text.splitlines() if line.startswith("| | b |"))
    columns = [SHORT[c.strip()] for c in header.strip("|").split("|")[1:]]
    assert len(rows) == len(dtypes.DTYPES) == len(columns)
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        left = SHORT[cells[0].strip("*")]
        for right, cell in zip(columns, cells[1:]):
            expected = None if cell == "—" else SHORT[cell]
            assert dtypes._TABLE[(left, right)] == expected, (left, right, cell)

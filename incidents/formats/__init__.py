"""Data-set formats read and written by `incident-map import` and `export` (see incidents/exchange.py).

Each reader module offers `REQUIRED` (the columns that identify the format) and
`row_parser(header) -> (row -> Incident)`; a parser raises `RowError` with the reason a row is bad.
"""

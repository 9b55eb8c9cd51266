"""The page's logic: filters, colours, map layers, offline assets. app.py only composes widgets."""

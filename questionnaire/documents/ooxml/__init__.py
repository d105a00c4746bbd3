"""The OOXML layer for SpreadsheetML packages: reading (package, sheet), patching (patch, styles).

No layout heuristics live here: `documents/layout_xlsx.py` decides where the questions are.
"""

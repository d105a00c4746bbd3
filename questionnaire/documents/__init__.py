"""Reading and writing customer documents (xlsx/xlsm/docx) and exports."""

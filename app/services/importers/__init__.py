"""Bringing data in: plans from Word, spreadsheets and JSON, and the audit case pool from CSV.

- uploads: the checks every uploaded file passes before a parser sees it
- plan_docx, plan_sheet, plan_json: a plan file read into plain data (plan_files picks the reader); plan_cells:
  single cells of the council's plan (people, dated updates, RAG)
- plan_import: the dry run (what is new, changed and missing, and every problem with its row)
- plan_write: the import, in one transaction; imported: what every plan import records the same way
- pending, plan_upload: a file uploaded through the pages, kept between its dry run and the confirm
- case_pool: the audit case pool from CSV (a dry run first)
"""

"""The scheme: content-free returns that both partners sign, and the coordinator's report.

`returns` is the return's shape, canonical bytes, pseudonym and verification (no journal
needed, so the report reads returns alone); `consent` joins a return to a journal: its figures
(those of `review --json`), the `return` approval variant and the signed return `export`
writes; `report` verifies many returns, keeps one per pair and counts (k-anonymity); `render`
writes the report as Markdown, HTML, JSON or CSV.
"""

"""The agreed business-settings API contract (v1), written from CONTRACT.md.

Independent of any backend: the suite judges a target by these definitions only.
"""

"""`settings-e2e`: the incident report's four-phase post-deploy check of the business settings.

cli (options, environment) -> check (phases 1-4) -> restore -> render (report or JSON).
"""

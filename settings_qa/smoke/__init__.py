"""Import smoke of a backend package (`pytest -m smoke`); see smoke/README.md."""

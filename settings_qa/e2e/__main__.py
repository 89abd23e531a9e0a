"""`python -m settings_qa.e2e --url URL`, the same as the `settings-e2e` console script."""

import sys

from settings_qa.e2e.cli import main

sys.exit(main())

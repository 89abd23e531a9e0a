import sys

from ai_receptionist.cli import main

sys.exit(main())

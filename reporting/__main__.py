"""``python -m reporting --out reports``: build the reports and the briefing."""

import sys

from reporting.build import main

sys.exit(main())

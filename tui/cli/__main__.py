"""`python -m tui.cli` is `apcard`."""

import sys

from tui.cli import main

sys.exit(main())

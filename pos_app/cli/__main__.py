"""`python -m pos_app.cli` is the same as the `pos-app` command."""

import sys

from pos_app.cli import main

sys.exit(main())

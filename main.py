"""Run pos-app from a checkout: `python main.py` opens the app; `python main.py --help` for more."""

import sys

from pos_app.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""``python -m secguide``: see ``secguide.cli``."""
import sys

from secguide.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""`make run`: every HDMS service in one process on SQLite (hdms_run.embedded)."""

import sys

from hdms_run.embedded import main

if __name__ == "__main__":
    sys.exit(main())

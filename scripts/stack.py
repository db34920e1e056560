"""`make stack` and `make stack-stop`: the production-shaped stack from local binaries
(hdms_run.stack)."""

import sys

from hdms_run.stack import main

if __name__ == "__main__":
    sys.exit(main())

"""streaming_form_data's parser, imported without the two packages it never needs here.

``streaming_form_data.targets`` imports smart_open (for its S3 and GCS targets) and aiofiles
(for its asyncio file targets) at its top, and with them wrapt, their transports and asyncio
file wrappers: about 2 MiB of modules in every process that imports file_service (the web
worker, the Celery worker and its pool, the background process), none of which HDMS calls;
multipart.py writes through its own target. Empty stand-ins take their place in sys.modules
while the package is imported and are removed at once, so that anything that imports the real
packages later still gets them.
"""

from __future__ import annotations

import sys
import types

_STAND_INS = {
    name: types.ModuleType(name) for name in ("smart_open", "aiofiles") if name not in sys.modules
}
sys.modules.update(_STAND_INS)
try:
    from streaming_form_data import StreamingFormDataParser
    from streaming_form_data.parser import ParseFailedException, UnexpectedPartException
    from streaming_form_data.targets import BaseTarget
finally:
    for _name, _stand_in in _STAND_INS.items():
        if sys.modules.get(_name) is _stand_in:
            del sys.modules[_name]

__all__ = [
    "BaseTarget",
    "ParseFailedException",
    "StreamingFormDataParser",
    "UnexpectedPartException",
]

"""pytest plugin (entry point ``pytest11``): real-server fixtures from :mod:`prodready.testing`.

Loading this plugin imports no driver and starts nothing: servers start only when a test asks for
their fixture.
"""

from __future__ import annotations

"""The demo worlds of this test process (one per xdist worker), made on first use.

Every test that renders screens (the screen and catalog walks, the screenshot content checks)
renders from copies of one seeded demo day instead of seeding it again for each screen
(``pos_app.devtools.demo_world``); a world older than its freshness limit is seeded again, so
a long worker session still renders what a fresh seed would. Removed when the process exits.
"""

from __future__ import annotations

from pos_app.devtools.demo_world import DemoWorlds

WORLDS = DemoWorlds()
# The catalog walk's own: seeded under its pseudo-translation, as each of its renders was.
PSEUDO_WORLDS = DemoWorlds()

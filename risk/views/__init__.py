"""What the dashboard pages ask the library for, in the shape they show it.

The pages stay thin scripts: each question they ask ("which countries are high risk?",
"what changed this week?", "what did the last ingest do?") is one function here that calls
the library (scoring, exposure, contingency, report) or a named query in risk/store/views.py.
No streamlit here: the pages cache these results keyed on `data_version`.

    batch       hold the database open while a page computes
    labels      regions, indicator names, safe CSV and links
    world       scores, movers, history, evidence, score parts
    portfolio   uploads, exposure, supplier maps, contingency plans, what-if
    operations  ingest runs, feeds, snapshots, schedule
"""

from __future__ import annotations

from risk.views.batch import *  # noqa: F403
from risk.views.labels import *  # noqa: F403  (one facade for the pages: views.<name>)
from risk.views.operations import *  # noqa: F403
from risk.views.portfolio import *  # noqa: F403
from risk.views.world import *  # noqa: F403

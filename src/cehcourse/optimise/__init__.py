"""Reader performance: once the HTML builder has written the site, give every page one
small stylesheet and a head that does not hold up the first paint (see site.py).

Switched on by the config value ``cehcourse_optimise`` (default True). The purge of unused
CSS needs node and the pinned PurgeCSS (``npm ci``); without them the build says so in one
line and does the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from .purge import PurgeError, purgecss_module
from .site import STORE_NAME, OptimiseError, optimise_site
from .stylesheets import StylesheetError

logger = logging.getLogger(__name__)
# Never purged: the stylesheets of the course package (the quiz's, whose classes its scripts
# add at run time) and the book's own course.css.
PACKAGE_STATIC = Path(__file__).resolve().parent.parent / "static"
KEPT_WHOLE = frozenset({"course.css", *(path.name for path in PACKAGE_STATIC.glob("*.css"))})


def _optimise(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html" or not app.config.cehcourse_optimise:
        return
    purgecss = purgecss_module(Path(app.srcdir))
    if purgecss is None:
        logger.info("cehcourse: unused CSS not purged (needs node and node_modules/purgecss: run `npm ci`); "
                    "the other page optimisations ran")
    try:
        outcome = optimise_site(Path(app.outdir), Path(app.doctreedir) / STORE_NAME, purgecss, KEPT_WHOLE)
    except (OptimiseError, PurgeError, StylesheetError) as error:
        logger.warning(f"cehcourse: pages not optimised: {error}")
        return
    if outcome is not None:
        logger.info(f"cehcourse: optimised {outcome.pages} pages in {outcome.seconds:.1f} s "
                    f"({outcome.bundles} stylesheets{', purged' if outcome.purged else ''})")


def setup(app: Sphinx) -> dict[str, Any]:
    # rebuild="": switching it off for a comparison build must not re-read every page.
    app.add_config_value("cehcourse_optimise", True, "", [bool])
    # After the themes and myst-nb, which write pygments.css and their own CSS when the build
    # finishes (at the default priority, 500), and after minify_js (850), the last step that
    # edits the files this pass fingerprints.
    app.connect("build-finished", _optimise, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

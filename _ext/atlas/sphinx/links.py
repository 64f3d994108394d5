"""External links in guide pages pass no referrer, as study pages' own links do."""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx

EXTERNAL_WITHOUT_REL = re.compile(r'<a class="reference external"(?! rel=)')


def external_links_keep_no_referrer(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """``html-page-context``: every external link in a page body passes no referrer.

    Study pages already write ``rel`` themselves; this covers links in guide
    pages that Sphinx's own writer renders.
    """
    body = context.get("body")
    if body and 'class="reference external"' in body:
        context["body"] = EXTERNAL_WITHOUT_REL.sub(
            '<a class="reference external" rel="noopener noreferrer"', body
        )


def setup_links(app: Sphinx) -> None:
    app.connect("html-page-context", external_links_keep_no_referrer)

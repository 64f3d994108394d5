"""What a page's ``<head>`` tells other tools: link previews, reference managers, search engines.

- **Open Graph and Twitter** tags come from sphinxext-opengraph (configured in
  ``conf.py``). It reads per-page values from the page's metadata fields whose
  names start with ``og:``, so a study page hands it its own title, summary
  and ``og:type`` of ``article`` there. A study page's plain ``description``
  is written here, before that extension looks: it then leaves it alone
  instead of guessing one from the page's text.
- **Highwire Press** ``citation_*`` tags describe the paper (title, each author
  in a tag of their own, year, journal, DOI, PMID), which is what Zotero's and
  Google Scholar's page readers save. ``citation_public_url`` is the atlas page:
  Zotero stores it as the item's URL.
- **schema.org JSON-LD** describes the atlas entry as a ``ScholarlyArticle``
  with its own dates (the commit that added the page, the last one that
  changed it) and the paper as the thing it is ``about``.
- Every page gets the site icon, and loses the second viewport tag: docutils'
  HTML5 writer adds one to its meta tags, which Sphinx passes on to the
  template (it drops only the first two, written before docutils added this
  one; sphinx-doc/sphinx issue 11699), and furo's page template has its own.

Every value is made one line (control characters become spaces) and escaped
for where it goes: attribute values by :func:`html.escape`, the JSON-LD by
escaping ``<``, ``>`` and ``&`` as JSON ``\\u`` sequences so that no text can
end the script element.
"""

from __future__ import annotations

import json
import re
from html import escape, unescape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..model.authors import author_list
from ..model.citation import one_line
from ..model.identifiers import doi_url
from ..model.record import Study
from .data import builds_site
from .studynodes import page_url, study_header
from .studyview import PUBMED

#: How long a meta description may be; longer summaries are cut at a word.
DESCRIPTION_LENGTH = 200
#: The viewport tag docutils' HTML5 writer adds to every page's meta tags.
_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>\n?')
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
#: The site's icon, drawn as SVG, and the same at 32 pixels for browsers that show no SVG
#: icon; a browser that can takes the last one it supports.
ICONS = (
    ("image/png", "_static/atlas-icon.png", "32x32"),
    ("image/svg+xml", "_static/atlas-icon.svg", ""),
)
#: The licence of the atlas's own pages (see source/data.md).
PAGE_LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def plain_text(html: str) -> str:
    """The text of an HTML fragment written by markdown-it (which escapes every ``<`` of text)."""
    return _SPACES.sub(" ", unescape(_TAG.sub(" ", html))).strip()


def shortened(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    """``text`` cut at the last word that fits in ``length`` characters, with an ellipsis."""
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return f"{cut}…"


def meta(name: str, content: str, attribute: str = "name") -> str:
    return f'<meta {attribute}="{name}" content="{escape(one_line(content))}" />\n'


def highwire_tags(study: Study, url: str) -> str:
    """The paper as Zotero's and Google Scholar's readers of ``citation_*`` tags expect it."""
    tags = [meta("citation_title", study.title)]
    # Named authors only: "et al." and "[No authors listed]" are forms of the list, not names.
    names = author_list(study.authors).names
    tags += [meta("citation_author", author) for author in names if one_line(author)]
    if study.year:
        tags.append(meta("citation_publication_date", str(study.year)))
    if study.journal:
        tags.append(meta("citation_journal_title", study.journal))
    if study.doi:
        tags.append(meta("citation_doi", study.doi))
    if study.pmid:
        tags.append(meta("citation_pmid", study.pmid))
    if url:
        tags.append(meta("citation_public_url", url))
    return "".join(tags)


def person(name: str) -> dict[str, str]:
    """A schema.org Person from an author as pages write them, "Surname, Given names".

    A name without a comma is a group's (:mod:`atlas.model.authors`), an Organization.
    """
    family, comma, given = (part.strip() for part in one_line(name).partition(","))
    if not comma:
        return {"@type": "Organization", "name": one_line(name)}
    if not family or not given:
        return {"@type": "Person", "name": one_line(name)}
    return {
        "@type": "Person",
        "name": f"{given} {family}",
        "familyName": family,
        "givenName": given,
    }


def json_ld(study: Study, description: str, url: str, project: str, site_url: str) -> str:
    """The atlas entry as a schema.org ``ScholarlyArticle`` about the paper, in a script element."""
    paper: dict[str, Any] = {"@type": "ScholarlyArticle", "name": one_line(study.title)}
    authors = [person(name) for name in author_list(study.authors).names if one_line(name)]
    if authors:
        paper["author"] = authors
    if study.year:
        paper["datePublished"] = str(study.year)
    if study.journal:
        paper["isPartOf"] = {"@type": "Periodical", "name": one_line(study.journal)}
    identifiers = []
    if study.doi:
        paper["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": study.doi}
        identifiers.append(doi_url(study.doi))
    if study.pmid:
        identifiers.append(PUBMED.format(study.pmid))
    if identifiers:
        paper["sameAs"] = identifiers
    if study.retracted:
        paper["creativeWorkStatus"] = "Retracted"
    entry: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": one_line(study.title),
        "description": description,
        "inLanguage": "en",
        "license": PAGE_LICENCE,
        "about": paper,
        "isPartOf": {
            "@type": "WebSite",
            "name": project,
            **({"url": site_url} if site_url else {}),
        },
    }
    if url:
        entry["url"] = url
    added = study.history[-1][0] if study.history else study.updated
    if added:
        entry["datePublished"] = added
    if study.last_updated:
        entry["dateModified"] = study.last_updated
    text = json.dumps(entry, ensure_ascii=True, sort_keys=True)
    for character in "<>&":
        text = text.replace(character, f"\\u{ord(character):04x}")
    return f'<script type="application/ld+json">{text}</script>\n'


def study_head(app: Sphinx, pagename: str, context: dict[str, Any], header: study_header) -> str:
    """The meta tags and JSON-LD of a study page; sets its Open Graph fields in ``context``."""
    study = Study.from_dict(header["record"])
    summary = next((section.html for section in header["sections"] if section.key == "summary"), "")
    description = shortened(plain_text(summary))
    base = app.config.html_baseurl
    url = page_url(base, pagename)
    fields = dict(context.get("meta") or {})
    fields["og:type"] = "article"
    fields["og:title"] = escape(one_line(study.title))
    if description:
        fields["og:description"] = escape(description)
    # A copy: Sphinx's environment owns the page's metadata dictionary.
    context["meta"] = fields
    head = meta("description", description) if description else ""
    head += highwire_tags(study, url)
    head += json_ld(study, description, url, app.config.project, base)
    return head


def page_head(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """``html-page-context``, before sphinxext-opengraph: icon, one viewport, a study's metadata."""
    pathto = context.get("pathto")
    if pathto is None or not builds_site(app):
        return
    head = _VIEWPORT.sub("", context.get("metatags", ""))
    for kind, path, sizes in ICONS:
        size = f' sizes="{sizes}"' if sizes else ""
        href = escape(pathto(path, resource=True))
        head += f'<link rel="icon" type="{kind}"{size} href="{href}" />\n'
    header = doctree.next_node(study_header) if doctree is not None else None
    if header is not None:
        head += study_head(app, pagename, context, header)
    context["metatags"] = head


def setup_metadata(app: Sphinx) -> None:
    # After sphinx-notfound-page (400) gives the 404 page its own pathto, before
    # sphinxext-opengraph (500), which reads what this handler sets.
    app.connect("html-page-context", page_head, priority=450)

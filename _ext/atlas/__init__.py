"""The ME/CFS evidence atlas: study model, Sphinx extension and command-line tools.

``atlas.model`` knows the study format and its rules and imports no Sphinx, so the
command-line checker stays fast. ``atlas.sphinx`` is the Sphinx extension built on it.
"""

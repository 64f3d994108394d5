"""Every atlas setting in conf.py is checked before anything is built."""

from __future__ import annotations

import pytest
from sphinx.errors import ConfigError


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ({"atlas_repository_url": ""}, "must be a web address"),
        ({"atlas_repository_url": "github.com/owner/atlas"}, "must be a web address"),
        ({"atlas_repository_branch": "my branch"}, "must name a branch"),
        ({"atlas_guide_page": "how-the-atlas-works.md"}, "without its .md"),
        ({"atlas_browse_page": ""}, "must name a page"),
        ({"atlas_vocabulary": "missing.yaml"}, "which is not a file"),
        ({"atlas_pagefind": None}, "must be True or False"),
        ({"atlas_web_only_pages": None}, "must be a list of page names"),
    ],
)
def test_a_wrong_setting_stops_the_build_with_its_name(make_site, setting, says):
    with pytest.raises(ConfigError, match=says) as raised:
        make_site().app(overrides=setting)
    assert next(iter(setting)) in str(raised.value)


def test_the_project_settings_pass(make_site):
    assert make_site().app().config.atlas_repository_url.startswith("https://")

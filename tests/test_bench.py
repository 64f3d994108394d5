"""The benchmark's smoke run: all three builds succeed on a small synthetic atlas.

CI runs this instead of the full benchmark. It checks that every build runs
and that every figure is reported, never how fast anything was.
"""

from __future__ import annotations

import json

from atlas.bench import run

KEYS = {
    "n",
    "cold_s",
    "bare_cold_s",
    "mkdocs_cold_s",
    "ratio_bare",
    "ratio_mkdocs",
    "noop_s",
    "edit_s",
    "add_s",
    "peak_rss_mb",
    "study_page_kb",
    "output_mb",
    "search_index_mb",
    "search_reindex_s",
    "serve_edit_s",
    "serve_edit_max_s",
    "serve_search_s",
}


def test_bench_smoke_builds_all_three_and_reports_every_figure(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert run.main(["-n", "300", "--work", str(tmp_path / "work"), "--out", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert set(figures) >= KEYS
    assert figures["n"] == 300
    assert "| atlas / bare stack |" in capsys.readouterr().out

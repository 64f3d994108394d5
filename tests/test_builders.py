"""Every Sphinx builder gets the whole study page, not only the HTML site.

The site writes study pages straight from their records; every other builder
gets the same page as ordinary docutils nodes. These tests build the real
studies with the text, gettext, LaTeX, man, linkcheck and ePub builders and
read what each wrote. Values read when pages are written (``html_baseurl``,
``tags_output_dir``) are changed between builds and compared with a clean build.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, Site, new_site

SEED = "daniels-2011-socialization-model"
REAL_STUDIES = {
    path.stem: path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "source" / "studies").glob("*.md"))
}
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


def card_texts(name: str) -> dict[str, str]:
    """Each section heading of a study page with the first sentence of its text."""
    text = REAL_STUDIES[name]
    found = {}
    for heading, body in re.findall(r"^## (.+)\n\n(.+)", text, flags=re.MULTILINE):
        found[heading] = body.lstrip("- ").split(". ")[0]
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    return new_site(tmp_path_factory.mktemp("builders"), REAL_STUDIES)


def test_the_text_builder_writes_every_part_of_the_seed_study(site):
    assert site.build(builder="text").warning_lines() == []
    text = (site.output_of("text") / "studies" / f"{SEED}.txt").read_text(encoding="utf-8")
    flat = " ".join(text.replace("\u2019", "'").split())
    for heading, sentence in card_texts(SEED).items():
        assert f"\n{heading}\n===" in text, heading
        assert " ".join(sentence.split()) in flat, heading
    for part in (
        "Evidence: E3 preliminary. An early signal",
        "PEM: unclear. The paper does not say",
        "Daniels J, Wearden AJ · Behavioural and Cognitive Psychotherapy · 2011",
        "Symptom: Fatigue",
        "10.1017/S1352465810000792",
        "@article{daniels-2011-socialization-model,",
        "TY  - JOUR",
        'About the PEM badge: "PEM required" means',
    ):
        assert part in flat or part in text, part
    for heading in ("Tags", "Metadata", "Cite this study"):
        assert f"\n{heading}\n===" in text, heading


def test_gettext_extracts_each_card_for_translators(site):
    site.build(builder="gettext")
    catalogue = (site.output_of("gettext") / "studies.pot").read_text(encoding="utf-8")
    messages = " ".join(re.findall(r'^msgid "(.*)"$', catalogue, flags=re.MULTILINE))
    messages = messages.replace("\\'", "'")
    for heading, sentence in card_texts(SEED).items():
        assert f'msgid "{heading}"' in catalogue, heading
        assert sentence in messages, heading
    # Each message says where it stands, so a translator can find it: the summary's
    # first paragraph is referenced at the line where it starts in the page.
    lines = (ROOT / "source" / "studies" / f"{SEED}.md").read_text(encoding="utf-8").splitlines()
    heading = lines.index("## Quick summary")
    start = next(number for number in range(heading + 1, len(lines)) if lines[number].strip()) + 1
    assert re.search(rf"#: .*studies/{SEED}\.md:{start}\n", catalogue)


def test_linkcheck_sees_every_doi_and_pubmed_link(site):
    """linkcheck_ignore keeps the check offline: every link is listed, none is fetched."""
    site.build(builder="linkcheck", overrides={"linkcheck_ignore": [".*"]})
    output = site.output_of("linkcheck") / "output.json"
    listed = {json.loads(line)["uri"] for line in output.read_text().splitlines()}
    for name, text in REAL_STUDIES.items():
        doi = re.search(r"^:doi: (.+)$", text, flags=re.MULTILINE)
        pmid = re.search(r"^:pmid: (\d+)$", text, flags=re.MULTILINE)
        if doi:
            assert f"https://doi.org/{doi[1]}" in listed, name
        if pmid:
            assert f"https://pubmed.ncbi.nlm.nih.gov/{pmid[1]}/" in listed, name


@pytest.mark.parametrize(
    ("builder", "setting", "output"),
    [
        ("latex", "latex_documents", "seed.tex"),
        ("man", "man_pages", "seed.7"),
    ],
)
def test_latex_and_man_typeset_the_study(site, builder, setting, output):
    documents = {
        "latex_documents": [(f"studies/{SEED}", "seed.tex", "Seed", "atlas", "howto")],
        "man_pages": [(f"studies/{SEED}", "seed", "Seed study", "", 7)],
    }
    site.build(builder=builder, overrides={setting: documents[setting]})
    written = (site.output_of(builder) / output).read_text(encoding="utf-8")
    for heading in card_texts(SEED):
        assert heading.upper() in written.upper(), heading
    assert "Evidence: E3 preliminary" in written


def test_the_epub_passes_epubcheck_and_holds_the_studies(site):
    assert site.build(builder="epub").warning_lines() == []
    book = next(site.output_of("epub").glob("*.epub"))
    check = subprocess.run(
        ["java", "-jar", str(EPUBCHECK), "--quiet", str(book)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    names = zipfile.ZipFile(book).namelist()
    assert f"studies/{SEED}.xhtml" in names
    # Pages that work only on the web site are left out, and so are files for web servers.
    for web_only in ("search.xhtml", "browse.xhtml", "sitemap.xml", "studies.json"):
        assert web_only not in names
    page = zipfile.ZipFile(book).read(f"studies/{SEED}.xhtml").decode()
    assert "Quick summary" in page and "Evidence: E3 preliminary" in page


@pytest.mark.parametrize(
    "setting",
    [
        {"html_baseurl": "https://example.org/elsewhere/"},
        {"tags_output_dir": "labels"},
    ],
)
def test_a_changed_write_setting_gives_the_clean_build(tmp_path, setting):
    """These settings are read when pages are written, so a rebuild picks them up."""
    studies = {name: REAL_STUDIES[name] for name in list(REAL_STUDIES)[:4]}
    changed = new_site(tmp_path / "changed", studies)
    changed.build()
    changed.build(overrides=setting)
    clean = new_site(tmp_path / "clean", studies)
    clean.build(overrides=setting)
    pages = sorted(
        path.relative_to(clean.outdir).as_posix() for path in clean.outdir.rglob("*.html")
    )
    assert pages == sorted(
        path.relative_to(changed.outdir).as_posix() for path in changed.outdir.rglob("*.html")
    )
    for page in pages:
        assert (changed.outdir / page).read_bytes() == (clean.outdir / page).read_bytes(), page

"""DOIs and PMIDs in one form everywhere: cleaning, comparing, linking, and both tools agreeing.

The build knew a page by its checked record, where a DOI written with
``https://doi.org/`` had been dropped as invalid, while ``atlas check`` compared
the option as written after cleaning it: so check called two pages one paper and
the build did not. Now the record keeps the clean DOI (reporting how it was
written), and both read identifiers through ``atlas.model.identifiers``.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from atlas.cli import main
from atlas.model.identifiers import clean_doi, clean_pmid, doi_key, doi_url, pmid_key
from atlas.model.slug import page_name
from cases import BASE
from conftest import SOURCE, Build, Site, fixture_study, new_site

# -- running both tools on the same pages ----------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One reported problem, as either tool locates it."""

    page: str
    line: int
    code: str

    @classmethod
    def of(cls, file_name: str, line: str, code: str) -> Finding:
        """Sphinx names a document in NFC: a file whose name is written decomposed (as on
        macOS) and its composed twin are one document to the build, two files to check."""
        return cls(unicodedata.normalize("NFC", page_name(file_name)), int(line), code)


def check_project(site: Site) -> Path:
    """An atlas folder for ``atlas check`` holding the same study files as the site."""
    root = site.srcdir.parent / "check"
    shutil.rmtree(root, ignore_errors=True)
    (root / "source").mkdir(parents=True)
    shutil.copy(SOURCE / "vocabulary.yaml", root / "source")
    shutil.copytree(site.srcdir / "studies", root / "source" / "studies", symlinks=True)
    return root


def run_check(root: Path, *options: str) -> tuple[int, str]:
    """``atlas check`` in this process: exit status and output (no traceback may escape)."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        status = main(["check", "--root", str(root), *options])
    return status, output.getvalue()


GITHUB_LINE = re.compile(
    r"^::(?:error|warning) file=(?P<file>[^,]*),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"title=(?P<code>ATLAS\d{3})::",
    re.MULTILINE,
)


def unescape(value: str) -> str:
    """GitHub's workflow-command escaping, undone (see atlas.cli.check._escape)."""
    for escaped, plain in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, plain)
    return value


def check_findings(root: Path) -> set[Finding]:
    status, output = run_check(root, "--format", "github")
    assert "Traceback" not in output
    findings = {
        Finding.of(Path(unescape(match["file"])).name, match["line"], match["code"])
        for match in GITHUB_LINE.finditer(output)
    }
    assert status == (1 if "::error " in output else 0)
    return findings


def build_findings(site: Site, build: Build) -> set[Finding]:
    """Every located atlas error (a Sphinx warning) and advice line of a build."""
    folder = re.escape(str(site.srcdir / "studies"))
    plain = re.sub(r"\x1b\[[0-9;]*m", "", build.warnings + build.status)
    located = re.compile(
        rf"^{folder}/(?P<file>.*?):(?P<line>\d+): (?:WARNING|advice): (?P<code>ATLAS\d{{3}}) ",
        re.MULTILINE,
    )
    assert "Traceback" not in plain
    return {
        Finding.of(match["file"], match["line"], match["code"]) for match in located.finditer(plain)
    }


def both_tools(site: Site) -> tuple[set[Finding], set[Finding], Build]:
    """Build the site and check the same pages: (check's findings, the build's, the build)."""
    build = site.build()
    return check_findings(check_project(site)), build_findings(site, build), build


# -- cleaning ------------------------------------------------------------------------

DOI = "10.5555/fixture.alpha"
#: Ways a DOI arrives from browsers, PDFs and reference managers, all meaning DOI.
DOI_VARIANTS = {
    "https-address": f"https://doi.org/{DOI}",
    "old-address": f"http://dx.doi.org/{DOI}",
    "www-address": f"https://www.doi.org/{DOI}",
    "doi-prefix": f"doi:{DOI}",
    "doi-prefix-and-space": f"DOI: {DOI}",
    "twice-prefixed": f"doi: https://doi.org/{DOI}",
    "full-stop": f"{DOI}.",
    "comma": f"{DOI},",
    "semicolon": f"{DOI};",
    "closing-parenthesis": f"{DOI})",
    "zero-width-space": f"{DOI}\u200b",
    "zero-width-joiner": f"\u200d{DOI}",
    "zero-width-non-joiner": "10.5555/\u200cfixture.alpha",
    "byte-order-mark": f"\ufeff{DOI}",
    "soft-hyphen": "10.5555/fix\u00adture.alpha",
    "word-joiner": f"{DOI}\u2060",
    "left-to-right-mark": f"\u200e{DOI}",
    "right-to-left-mark": f"{DOI}\u200f",
    "no-break-spaces": f"\u00a0{DOI}\u00a0",
    "all-at-once": f"\u200bhttps://doi.org/{DOI.upper()}.\u200f",
}


@pytest.mark.parametrize("written", DOI_VARIANTS.values(), ids=DOI_VARIANTS.keys())
def test_every_variant_cleans_to_the_bare_doi_and_compares_equal(written: str):
    assert clean_doi(written).lower() == DOI
    assert doi_key(written) == doi_key(DOI.upper()) == DOI


@pytest.mark.parametrize(
    "doi",
    [
        "10.1002/(SICI)1097-4636(199706)35:4<473::AID-JBM6>3.0.CO;2-P",  # parentheses balance
        "10.1016/S0140-6736(11)60096-2",
        "10.1000/ABC.def",  # letter case is kept
    ],
)
def test_a_clean_doi_is_left_as_it_is(doi: str):
    assert clean_doi(doi) == doi
    assert clean_doi(f"https://doi.org/{doi}.") == doi
    assert clean_doi(f"(see doi:{doi})".removeprefix("(see ")) == doi  # an unbalanced one goes


def test_invalid_identifiers_have_no_key():
    assert doi_key("10.12/x") is None  # a registrant code has four to nine digits
    assert doi_key("https://doi.org/") is None
    assert doi_key("10.5555/a b") is None
    assert pmid_key("0123") is None
    assert pmid_key("\uff19\uff10") is None  # full-width digits are not a PMID
    assert pmid_key("PMID: 24755065\u200b") == "24755065"


@pytest.mark.parametrize(
    "written",
    [
        "PMID: 24755065",
        "pmid24755065",
        "https://pubmed.ncbi.nlm.nih.gov/24755065/",
        "\u200b24755065",
        "24755065\ufeff",
    ],
)
def test_pmids_clean_to_their_digits(written: str):
    assert clean_pmid(written) == "24755065"


def test_links_encode_what_a_url_cannot_carry():
    assert doi_url("10.1000/a#b?c%d e<f>") == "https://doi.org/10.1000/a%23b%3Fc%25d%20e%3Cf%3E"
    assert doi_url(f"{DOI}\u200b") == f"https://doi.org/{DOI}"
    sici = "10.1002/(SICI)1097-4636(199706)35:4"
    assert doi_url(sici) == f"https://doi.org/{sici}"


# -- both tools, one page per variant -------------------------------------------------


def variant_page(key: str, doi: str | None = None, pmid: str | None = None) -> str:
    """The base fixture as another page: its own title, and the given DOI or PMID."""
    text = BASE.replace("Alpha fixture: a randomised trial", f"Variant {key} of a paper")
    text = text.replace(f":doi: {DOI}", f":doi: {doi}" if doi else f":doi: 10.5555/other.{key}")
    return text.replace(":pmid: 90000001", f":pmid: {pmid}" if pmid else ":pmid: 99999999")


PMID_VARIANTS = {
    "pmid-prefix": "PMID: 90000001",
    "pmid-glued": "pmid90000001",
    "pubmed-address": "https://pubmed.ncbi.nlm.nih.gov/90000001/",
    "pmid-zero-width-space": "90000001\u200b",
}
DOI_LINE = BASE.splitlines().index(f":doi: {DOI}") + 1
PMID_LINE = BASE.splitlines().index(":pmid: 90000001") + 1


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    pages = {"alpha-2020-first-fixture": BASE}
    for number, (key, doi) in enumerate(DOI_VARIANTS.items()):
        pages[f"alpha-2020-variant-{key}"] = variant_page(key, doi=doi, pmid=f"9300{number:04d}")
    pages["alpha-2020-variant-upper-case"] = variant_page("upper", doi=DOI.upper(), pmid="93009999")
    for key, pmid in PMID_VARIANTS.items():
        pages[f"alpha-2020-variant-{key}"] = variant_page(key, pmid=pmid)
    pages["alpha-2020-variant-pmid-full-width"] = variant_page(
        "wide", pmid="\uff19\uff10\uff10\uff10\uff10\uff10\uff10\uff11"
    )
    site = new_site(tmp_path_factory.mktemp("identifiers"), pages)
    return site, *both_tools(site)


def test_check_and_build_report_the_same_findings(variants):
    _, checked, built, _ = variants
    assert checked == built


@pytest.mark.parametrize("key", DOI_VARIANTS)
def test_each_doi_variant_is_a_duplicate_and_reported_where_it_is_written(variants, key):
    _, checked, built, _ = variants
    page = f"alpha-2020-variant-{key}"
    # Option values are read without the white space around them, so spaces alone are no error.
    unclean = DOI_VARIANTS[key].strip() != clean_doi(DOI_VARIANTS[key])
    for findings in (checked, built):
        assert Finding(page, 1, "ATLAS060") in findings
        assert (Finding(page, DOI_LINE, "ATLAS030") in findings) == unclean


def test_a_doi_in_capitals_is_the_same_paper_and_nothing_else(variants):
    _, checked, built, _ = variants
    page = "alpha-2020-variant-upper-case"
    assert {f for f in checked if f.page == page} == {Finding(page, 1, "ATLAS060")}
    assert {f for f in built if f.page == page} == {Finding(page, 1, "ATLAS060")}


@pytest.mark.parametrize("key", PMID_VARIANTS)
def test_each_pmid_variant_is_a_duplicate_too(variants, key):
    _, checked, _, _ = variants
    page = f"alpha-2020-variant-{key}"
    assert {f for f in checked if f.page == page} == {
        Finding(page, 1, "ATLAS060"),
        Finding(page, PMID_LINE, "ATLAS031"),
    }


def test_a_pmid_in_other_digits_is_an_error_and_no_duplicate(variants):
    _, checked, _, _ = variants
    page = "alpha-2020-variant-pmid-full-width"
    assert {f for f in checked if f.page == page} == {Finding(page, PMID_LINE, "ATLAS031")}


def test_no_invisible_character_or_prefix_reaches_a_link_or_an_export(variants):
    site, *_ = variants
    for key in DOI_VARIANTS:
        page = site.html(f"studies/alpha-2020-variant-{key}")
        links = {a["href"] for a in page.select("a[href*='doi.org']")}
        assert links == {f"https://doi.org/{DOI}"} or links == {f"https://doi.org/{DOI.upper()}"}
    for export in ("studies.json", "studies.csv", "atlas.bib"):
        text = (site.outdir / export).read_text("utf-8")
        assert "doi.org" not in text and "doi:" not in text.lower(), export
        assert not re.search(r"[\u200b-\u200f\u2060\ufeff\u00ad]|\\u200b", text), export


def test_check_fix_writes_the_clean_form_and_the_duplicates_stay(variants):
    site, *_ = variants
    root = check_project(site)
    run_check(root, "--fix")
    studies = root / "source" / "studies"
    for key in DOI_VARIANTS:
        text = (studies / f"alpha-2020-variant-{key}.md").read_text("utf-8")
        assert f":doi: {clean_doi(DOI_VARIANTS[key])}\n" in text
    for key in PMID_VARIANTS:
        text = (studies / f"alpha-2020-variant-{key}.md").read_text("utf-8")
        assert ":pmid: 90000001\n" in text
    findings = check_findings(root)
    assert {f.code for f in findings if f.page != "alpha-2020-variant-pmid-full-width"} == {
        "ATLAS060"
    }


def test_a_fixture_page_keeps_its_doi_untouched():
    """The clean form of a clean DOI is itself, so pages written right never change."""
    for name in ("alpha-2020-first-fixture", "beta-2018-second-fixture"):
        doi = next(
            line.removeprefix(":doi: ")
            for line in fixture_study(name).splitlines()
            if line.startswith(":doi:")
        )
        assert clean_doi(doi) == doi and doi_key(doi) == doi.lower()


def test_an_export_is_read_in_ordinary_digits_only():
    """A PMID or year in other digits is not taken from a reference export as if it were one."""
    from atlas.model.references import read_references

    ris = (
        "TY  - JOUR\nTI  - A trial\nAU  - Alpha, Anna\nPY  - \u0662\u0660\u0662\u0660\n"
        "AN  - \u00b2\u00b3\nN1  - PMID: 24755065\nDO  - https://doi.org/10.5555/x.1.\nER  - \n"
    )
    ((reference,), _) = read_references(ris, "ris")
    assert reference.pmid == "24755065"  # from the note: the accession number is no PMID
    assert reference.year is None
    assert reference.doi == "10.5555/x.1"

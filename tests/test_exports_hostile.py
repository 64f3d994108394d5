"""Every export stays well formed and faithful whatever text a study record holds.

Study records are built directly (validation is bypassed: the exports must be
safe even for values the rules flag) with hostile text in every field, the
real export functions write them, and each output is read with the parser its
readers use: bibtexparser, rispy, ElementTree and feedparser, the csv module,
json and jsonschema. What each format is allowed to change is written out
here from the exports' docstrings (``one_line``, ``bibtex_text``,
``studies_csv``), independently of the code that does it.

One end-to-end build then publishes hostile pages and reads every export file
of its output.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter
from xml.etree import ElementTree as ET

import bibtexparser
import feedparser
import jsonschema
import rispy
from atlas.model import citation
from atlas.model.authors import author_list
from atlas.model.record import DOI_PATTERN, FIELDS, PMID_PATTERN, Study
from atlas.model.vocabulary import load_vocabulary
from atlas.sphinx import exports
from atlas.sphinx.browse import browse_index, browse_json
from bibtexparser.middlewares import SeparateCoAuthors
from conftest import FIXTURE_NAMES, SOURCE, fixture_study
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ATOM = "{http://www.w3.org/2005/Atom}"
COLUMNS = ["id", "url", *(spec.name for spec in FIELDS), "people-with-me-cfs", "findings"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")

# -- hostile text ----------------------------------------------------------------------

CONTROL = [chr(code) for code in (*range(0x20), *range(0x7F, 0xA0))]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
BIDI = [
    *("\u200e", "\u200f", "\u061c"),
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
]
UNSTORABLE = ["\ud800", "\udbff", "\udc80", "\udfff", "\ufffe", "\uffff"]
SEPARATORS = ["\u2028", "\u2029", "\u0085", "\u00a0", "\u3000"]
PIECES = [
    *("{", "}", "\\", "%", "#", '"', "'", "=", "+", "-", "@", "&", "<", ">", ",", ";", "~"),
    *("} @article{x, title={", "\n@article{y,", "@comment{", "\\}", "\\{", "{\\}", "\\textbf{"),
    *(" and ", "and ", " AND ", "\nER  - ", "\nTY  - JOUR", "TI  - ", "]]>", "&amp;"),
    *('=HYPERLINK("http://x")', "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1", "-1", "\r\n"),
    *("\x00", "\t", "\r", "\n"),
]
HOSTILE_CHARACTERS = CONTROL + INVISIBLE + BIDI + UNSTORABLE + SEPARATORS

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.sampled_from(HOSTILE_CHARACTERS),
        st.text(max_size=6),
    ),
    max_size=8,
).map("".join)
some_text = hostile_text.filter(bool)
name_lists = st.lists(some_text, unique=True, max_size=4)


def dates() -> st.SearchStrategy[str]:
    return st.dates().map(lambda day: day.isoformat())


slugs = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,3}", fullmatch=True)
#: Names that no longer differ once hyphens are dropped or case is folded.
NEAR_NAMES = ["x-2020-red-team", "x-2020-redteam", "x2020-redteam", "x-2020-r-e-d-team"]


@st.composite
def records(draw: st.DrawFn, docname: str, anything: bool) -> Study:
    """A study; hostile text in every text field, and with ``anything``, in every field."""

    def choice(table: str) -> str:
        keys = [term.key for term in getattr(VOCABULARY, table)]
        return draw(
            st.one_of(st.sampled_from(keys), some_text) if anything else st.sampled_from(keys)
        )

    def choices(table: str, required: bool) -> tuple[str, ...]:
        keys = [term.key for term in getattr(VOCABULARY, table)]
        items = st.one_of(st.sampled_from(keys), some_text) if anything else st.sampled_from(keys)
        return tuple(draw(st.lists(items, unique=True, min_size=int(required), max_size=3)))

    def identifier(pattern: str, required: bool = False) -> str | None:
        valid = st.from_regex(pattern, fullmatch=True)
        value = st.one_of(valid, some_text) if anything else valid
        return draw(value if required else st.none() | value)

    def date() -> str:
        return draw(st.one_of(dates(), some_text) if anything else dates())

    doi = identifier(DOI_PATTERN)
    # A record names its paper by a DOI, a PMID or both.
    pmid = identifier(PMID_PATTERN, required=doi is None and not anything)
    lineage = st.lists(st.one_of(slugs, some_text) if anything else slugs, unique=True, max_size=2)
    return Study(
        docname=docname,
        title=draw(some_text),
        authors=tuple(draw(name_lists.filter(bool))),
        journal=draw(some_text),
        year=draw(st.integers() if anything else st.integers(1900, 2100)),
        design=choice("designs"),
        evidence=choice("evidence_levels"),
        confidence=choice("confidence"),
        pem=choice("pem"),
        case_definition=choices("case_definitions", required=True),
        peer_review=choice("peer_review"),
        review=choice("review_status"),
        updated=date(),
        doi=doi,
        pmid=pmid,
        reviewed_by=tuple(draw(name_lists)),
        tags=choices("tags", required=False),
        retracted=draw(st.none() | st.just(date())),
        retraction_notice=identifier(DOI_PATTERN),
        replicates=tuple(draw(lineage)),
        follows_up=tuple(draw(lineage)),
        history=tuple(
            draw(st.lists(st.tuples(dates(), st.just("0" * 40), hostile_text), max_size=2))
        ),
    )


@st.composite
def atlases(draw: st.DrawFn, anything: bool = False) -> list[Study]:
    """One to four studies in document-name order, as the build hands them to the exports."""
    names = st.one_of(st.sampled_from(NEAR_NAMES), slugs)
    if anything:
        names = st.one_of(names, some_text, st.sampled_from(["X-2020-RedTeam", "x-2020-redteam"]))
    docnames = draw(
        st.lists(names.map(lambda name: f"studies/{name}"), unique=True, min_size=1, max_size=4)
    )
    return [draw(records(docname, anything)) for docname in sorted(docnames)]


def site_of(studies: list[Study]) -> exports.Site:
    return exports.Site(
        project="ME/CFS Evidence Atlas",
        author="Atlas contributors",
        base_url="https://atlas.example",
        uris={study.docname: f"{study.docname}.html" for study in studies},
    )


def render(studies: list[Study]) -> dict[str, bytes]:
    """Every export as the build writes it, by file name, browse.json included."""
    site = site_of(studies)
    files = {
        name: exports.utf8(write(studies, VOCABULARY, site))
        for name, write in exports.EXPORTS.items()
    }
    files["browse.json"] = browse_json(browse_index(studies, VOCABULARY, dict(site.uris)))
    return files


# -- what each format may change, written out from the documented rules ----------------


def line(text: str) -> str:
    """The one-line form: control characters and line separators become spaces, what
    UTF-8 and XML cannot hold becomes U+FFFD, and the ends are trimmed."""
    out = []
    for char in text:
        kind = unicodedata.category(char)
        if kind in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif kind == "Cs" or char in "\ufffe\uffff":
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out).strip()


def stored(text: str) -> str:
    """Text as a UTF-8 file holds it: a lone surrogate becomes U+FFFD."""
    return "".join("\ufffd" if unicodedata.category(char) == "Cs" else char for char in text)


BIBTEX_COMMANDS = {r"{\textbackslash}": "\\", r"{\textbraceleft}": "{", r"{\textbraceright}": "}"}
BIBTEX_COMMAND = re.compile("(" + "|".join(map(re.escape, BIBTEX_COMMANDS)) + ")")


def from_bibtex(value: str) -> str:
    """A BibTeX value with its three escapes undone; no other brace may be left."""
    pieces = BIBTEX_COMMAND.split(value)
    assert not any(set(piece) & set("{}\\") for piece in pieces[::2]), value
    return "".join(BIBTEX_COMMANDS.get(piece, piece) for piece in pieces)


def bibtex_name(name: str) -> str:
    """One name as BibTeX gave it back, without the braces that kept it one name.

    Every brace of the text itself is escaped, so any other brace is one of those.
    """
    pieces = BIBTEX_COMMAND.split(name)
    if pieces[0].startswith("{") and pieces[-1].endswith("}"):
        pieces[0] = pieces[0][1:]
        pieces[-1] = pieces[-1][:-1]
        # Braces keep a group's name (no comma) or a name holding "and" one name.
        text = from_bibtex("".join(pieces))
        assert "," not in text or re.search(r"(^|\s)and(\s|$)", text, re.IGNORECASE)
    return from_bibtex("".join(pieces))


def cited_names(study: Study) -> tuple[list[str], bool]:
    """The names an export writes for a study's authors, and whether "and others" follows.

    "[No authors listed]" and a last "et al." are forms of the list, not names
    (atlas.model.authors).
    """
    listed = author_list([name for name in map(line, study.authors) if name])
    return [name for name in listed.names if name], listed.more


def cell(value: object) -> str:
    """A record value as its CSV cell: lists joined, a quote before a formula start."""
    text = stored("; ".join(value) if isinstance(value, list) else str(value))
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


# -- readers -----------------------------------------------------------------------------


def read_bibtex(data: bytes) -> bibtexparser.Library:
    return bibtexparser.parse_string(data.decode("utf-8"), append_middleware=[SeparateCoAuthors()])


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def read_feed(data: bytes) -> tuple[ET.Element, feedparser.FeedParserDict]:
    """The feed as ElementTree reads it (the text as written) and as feedparser does.

    feedparser is a check of well-formedness and structure only: it "repairs"
    text that looks like UTF-8 read as Latin-1 ("Â¡" becomes "¡"), so its
    text is not the text written.
    """
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    return ET.fromstring(data), feed


def assert_bibtex_entry(entry: bibtexparser.model.Entry, study: Study) -> None:
    """The entry holds the study's values, changed only as the escaping rules say."""
    expected = {"title": line(study.title), "journal": line(study.journal)}
    expected |= {"doi": line(study.doi or ""), "pmid": line(study.pmid or "")}
    for name, value in expected.items():
        if value:
            assert from_bibtex(entry[name]) == value, name
        else:
            assert name not in entry.fields_dict, name
    names, more = cited_names(study)
    if names:
        assert [bibtex_name(name) for name in entry["author"]] == names + ["others"] * more
    else:
        assert "author" not in entry.fields_dict
    assert entry["year"] == str(study.year)


def assert_ris_record(record: dict, study: Study) -> None:
    """One RIS record with the study's values, each on one line."""
    expected = {
        "title": line(study.title),
        "journal_name": line(study.journal),
        "doi": line(study.doi or ""),
        "accession_number": line(study.pmid or ""),
        "year": str(study.year),
    }
    assert record["type_of_reference"] == "JOUR"
    for name, value in expected.items():
        assert record.get(name, "") == value, name
    assert record.get("authors", []) == cited_names(study)[0]
    assert set(record) <= {"type_of_reference", "authors", *expected}


def assert_csv_rows(rows: list[list[str]], records: list[dict]) -> None:
    """A header and one row per study, each with every column, no cell a formula."""
    assert rows[0] == COLUMNS
    assert len(rows) == len(records) + 1
    for row, record in zip(rows[1:], records, strict=True):
        assert len(row) == len(COLUMNS)
        for text in row:
            assert not text.startswith(FORMULA_STARTS), text
        flat = csv_record(record)
        assert dict(zip(COLUMNS, row, strict=True)) == {
            column: cell(flat[column]) if column in flat else "" for column in COLUMNS
        }


def csv_record(record: dict) -> dict:
    """A studies.json record as studies.csv flattens it: the number of people with ME/CFS,
    and each finding as "measure: direction"."""
    flat = dict(record)
    groups = flat.pop("participant-groups", [])
    findings = flat.pop("findings", [])
    flat["people-with-me-cfs"] = next((g["count"] for g in groups if g["kind"] == "me-cfs"), "")
    flat["findings"] = [f"{found['measure']}: {found['direction']}" for found in findings]
    return flat


# -- properties --------------------------------------------------------------------------


@PROPERTY
@given(atlases())
def test_every_export_reads_back_for_any_text(studies):
    files = render(studies)

    library = read_bibtex(files["atlas.bib"])
    assert library.failed_blocks == []
    assert len(library.entries) == len(studies)
    assert len({entry.key.lower() for entry in library.entries}) == len(studies)
    for entry, study in zip(library.entries, studies, strict=True):
        assert_bibtex_entry(entry, study)
        # The block on the study's own page comes from the same code.
        (alone,) = read_bibtex(exports.utf8(citation.bibtex([study]))).entries
        assert_bibtex_entry(alone, study)
        (record,) = rispy.loads(citation.ris([study]))
        assert_ris_record(record, study)
    assert len(rispy.loads(citation.ris(studies))) == len(studies)

    root, feed = read_feed(files["atom.xml"])
    assert len(feed.entries) == len(studies)
    titles = [entry.find(f"{ATOM}title").text or "" for entry in root.iter(f"{ATOM}entry")]
    assert Counter(titles) == Counter(
        line(("Retracted: " if study.retracted else "") + study.title) for study in studies
    )

    data = json.loads(files["studies.json"])
    jsonschema.validate(data, json.loads(files["studies.schema.json"]))
    records = data["studies"]
    assert [record["title"] for record in records] == [stored(study.title) for study in studies]
    assert [record["authors"] for record in records] == [
        [stored(name) for name in study.authors] for study in studies
    ]
    assert_csv_rows(read_csv(files["studies.csv"]), records)

    rows = json.loads(files["browse.json"])["studies"]
    assert sorted(row[1] for row in rows) == sorted(stored(study.title) for study in studies)


@PROPERTY
@given(atlases(anything=True))
def test_every_export_stays_well_formed_whatever_any_field_holds(studies):
    """Identifiers, dates, vocabulary keys and page names hostile too: every file still parses.

    The schema is not asserted here: it describes valid identifiers, dates and
    vocabulary keys, and the build never stores an invalid one in a record.
    """
    files = render(studies)
    library = read_bibtex(files["atlas.bib"])
    assert library.failed_blocks == []
    assert len(library.entries) == len(studies)
    assert len({entry.key.lower() for entry in library.entries}) == len(studies)
    for entry in library.entries:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry.key), entry.key
    for study in studies:
        assert len(read_bibtex(exports.utf8(citation.bibtex([study]))).entries) == 1
        assert len(rispy.loads(citation.ris([study]))) == 1
    read_feed(files["atom.xml"])
    records = json.loads(files["studies.json"])["studies"]
    assert len(records) == len(studies)
    assert_csv_rows(read_csv(files["studies.csv"]), records)
    assert len(json.loads(files["browse.json"])["studies"]) == len(studies)


# -- citation keys -----------------------------------------------------------------------


def study_named(name: str) -> Study:
    return Study(
        docname=f"studies/{name}", title="T", authors=("A, B",), journal="J", year=2020,
        design=None, evidence=None, confidence=None, pem=None, case_definition=(),
        peer_review=None, review=None, updated=None,
    )  # fmt: skip


def test_names_that_differ_by_a_hyphen_or_case_keep_different_keys():
    names = [
        "x-2020-red-team",
        "x-2020-redteam",
        "X-2020-redteam",
        "x-2020-RedTeam",
        "x_2020_redteam",
    ]
    keys = [citation.citation_key(study_named(name)) for name in names]
    assert len(set(keys)) == len(names)
    assert keys[:2] == ["x-2020-red-team", "x-2020-redteam"]
    for key in keys[2:]:
        assert re.fullmatch(r"x-2020-red-?team-[0-9a-f]{8}", key), key
    # A key depends on its own page alone, so the study page and atlas.bib agree.
    assert keys == [citation.citation_key(study_named(name)) for name in reversed(names)][::-1]


def test_a_repeated_key_gets_the_first_free_number_in_order():
    studies = [study_named(name) for name in ("k", "k", "k-2", "k")]
    assert citation.unique_keys(studies) == ["k", "k-3", "k-2", "k-4"]
    library = bibtexparser.parse_string(citation.bibtex(studies))
    assert [entry.key for entry in library.entries] == ["k", "k-3", "k-2", "k-4"]


# -- a real build ------------------------------------------------------------------------

#: Hostile text the rules accept today: braces, a second entry's start, LaTeX and
#: CSV specials, quotes, a leading '=', '+', '-', '@', " and " inside a name.
ACCEPTED = {
    "title": '=HYPERLINK("http://x") } @article{x, title={ 100% #1 \\ \'quoted\' "too"',
    "authors": "Hostile, Anna; @Bobby} and {Tables, C; -Dash, E",
    "journal": "+Journal of {Unbalanced & Co",
}
#: Text the rules may reject: a control character, invisible and right-to-left characters.
FLAGGED = {
    "title": "Bell\x07 and \u202eright-to-left\u202c with a zero\u200bwidth space \u2066x\u2069",
    "authors": "Flagged, Fay\u200f; \x1bEscape, E",
    "journal": "@Journal\x7f of\u0085 controls",
}


def page_with(values: dict[str, str], year: int, number: int) -> str:
    """The first fixture page about another paper, with ``values`` as its options."""
    text = fixture_study(FIXTURE_NAMES[0])
    text = text.replace("fixture.alpha", f"hostile.{number}").replace(
        "90000001", f"9100000{number}"
    )
    lines = [f":year: {year}" if line.startswith(":year:") else line for line in text.split("\n")]
    for option, value in values.items():
        lines = [
            f":{option}: {value}" if line.startswith(f":{option}:") else line for line in lines
        ]
    return "\n".join(lines)


def test_a_build_with_hostile_pages_writes_every_export_well_formed(make_site):
    pages = {name: fixture_study(name) for name in FIXTURE_NAMES}
    pages["hostile-2021-exports"] = page_with(ACCEPTED, 2021, 1)
    pages["flagged-2022-controls"] = page_with(FLAGGED, 2022, 2)
    site = make_site(pages)
    site.build()
    out = site.outdir
    docnames = sorted(f"studies/{name}" for name in pages)
    for docname in docnames:
        assert (out / f"{docname}.html").is_file()

    data = json.loads((out / "studies.json").read_bytes())
    records = data["studies"]
    assert [record["id"] for record in records] == docnames
    schema = json.loads((out / "studies.schema.json").read_bytes())
    # A value a rule rejects is left out of its record (the schema then finds it
    # missing); every other record is valid.
    for error in jsonschema.Draft202012Validator(schema).iter_errors(data):
        assert error.validator == "required", error.message
        assert records[error.absolute_path[1]]["id"] == "studies/flagged-2022-controls"
    hostile = records[docnames.index("studies/hostile-2021-exports")]
    assert hostile["title"] == ACCEPTED["title"]
    assert hostile["authors"] == ["Hostile, Anna", "@Bobby} and {Tables, C", "-Dash, E"]
    assert hostile["journal"] == ACCEPTED["journal"]

    library = read_bibtex((out / "atlas.bib").read_bytes())
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == [doc.split("/")[1] for doc in docnames]
    for entry, record in zip(library.entries, records, strict=True):
        for option, field in (("title", "title"), ("journal", "journal"), ("authors", "author")):
            if option not in record:
                assert field not in entry.fields_dict
            elif option == "authors":
                assert [bibtex_name(name) for name in entry[field]] == [
                    line(n) for n in record[option]
                ]
            else:
                assert from_bibtex(entry[field]) == line(record[option])

    assert_csv_rows(read_csv((out / "studies.csv").read_bytes()), records)
    xml_files = {path.relative_to(out).as_posix(): path.read_bytes() for path in out.rglob("*.xml")}
    assert "atom.xml" in xml_files
    for data in xml_files.values():
        read_feed(data)
    root, feed = read_feed(xml_files["atom.xml"])
    assert len(feed.entries) == len(docnames)
    titles = {entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")}
    assert line(ACCEPTED["title"]) in titles
    rows = json.loads((out / "browse.json").read_bytes())["studies"]
    assert len(rows) == len(docnames)

    page = site.html("studies/hostile-2021-exports")
    (entry,) = read_bibtex(page.select_one("#cite-bibtex").get_text().encode()).entries
    assert entry.key == "hostile-2021-exports"
    assert from_bibtex(entry["title"]) == ACCEPTED["title"]
    assert [bibtex_name(name) for name in entry["author"]] == hostile["authors"]
    (ris,) = rispy.loads(page.select_one("#cite-ris").get_text())
    assert ris["title"] == ACCEPTED["title"]
    assert ris["authors"] == hostile["authors"]
    assert ris["journal_name"] == ACCEPTED["journal"]

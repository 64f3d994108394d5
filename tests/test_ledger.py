"""Participants, structured findings, results ledgers, the evidence map and tag summaries, built."""

from __future__ import annotations

import pytest
from atlas.model.vocabulary import load_vocabulary
from cases import BASE
from conftest import SOURCE, new_site

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")

MEASURE = "cpet-day2-vo2-peak"
#: Pages rewritten when an open-data file's size changes (atlas.sphinx.downloads).
DATA_PAGES = {"data", "index"}
EXERCISE_TAG = "topic-exercise-physiology"


def study(
    surname: str,
    year: int,
    number: int,
    findings: list[str],
    *,
    participants: str = "",
    pem: str = "required",
    case_definition: str = "ccc",
    evidence: str = "E2",
    design: str = "observational",
    tags: str = EXERCISE_TAG,
    extra: str = "",
) -> str:
    """A valid study page with the given facts, built from the shared base page."""
    text = (
        BASE.replace("Alpha fixture: a randomised trial", f"{surname} study {number}")
        .replace("Alpha, Anna B; Beta, Carl; Gamma, Dana; Delta, Erik", f"{surname}, Ann")
        .replace(":year: 2020", f":year: {year}")
        .replace("fixture.alpha", f"fixture.ledger{number}")
        .replace(":pmid: 90000001", f":pmid: {91000000 + number}")
        .replace(":design: rct", f":design: {design}")
        .replace(":evidence: E1", f":evidence: {evidence}")
        .replace(":pem: required", f":pem: {pem}")
        .replace(":case-definition: ccc", f":case-definition: {case_definition}")
        .replace(
            ":tags: symptom-fatigue, method-flag-small-sample",
            f":tags: {tags}" + (f"\n:participants: {participants}" if participants else ""),
        )
        .replace(":updated: 2026-03-01", ":updated: 2026-03-01" + (f"\n{extra}" if extra else ""))
    )
    bullets = "\n".join(findings) or "- A plain finding."
    return text.replace(
        "- The first finding of alpha-2020-first-fixture.\n"
        "- The second finding of alpha-2020-first-fixture.",
        bullets,
    )


def ledger_studies() -> dict[str, str]:
    return {
        "kilo-2019-first-test": study(
            "Kilo",
            2019,
            1,
            [f"- [{MEASURE}: lower] Peak oxygen use fell on the second day."],
            participants="22 ME/CFS; 10 healthy controls",
            tags=f"{EXERCISE_TAG}, method-flag-small-sample",
        ),
        "lima-2020-second-test": study(
            "Lima",
            2020,
            2,
            [f"- [{MEASURE}: lower] It fell again in a new group."],
            participants="51 ME/CFS; 40 healthy controls",
            evidence="E1",
            extra=":replicates: kilo-2019-first-test",
        ),
        "mike-2021-third-test": study(
            "Mike",
            2021,
            3,
            [
                f"- [{MEASURE}: no difference | 15 ME/CFS; 15 healthy controls] No fall "
                "was seen in this part of the study.",
                "- A plain bullet stays a plain bullet.",
            ],
            participants="40 ME/CFS; 30 healthy controls",
            pem="not-required",
            case_definition="fukuda",
            extra=":fails-to-replicate: kilo-2019-first-test",
        ),
        "november-2022-immune-cells": study(
            "November",
            2022,
            4,
            ["- [nk-cell-cytotoxicity: lower] Killer cells killed fewer target cells."],
            tags="topic-immune-system",
        ),
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = new_site(tmp_path_factory.mktemp("ledger"), ledger_studies())
    build = site.build()
    return site, build


def test_the_pages_build_without_warnings(built):
    _, build = built
    assert build.warning_lines() == []


def test_a_study_page_states_its_participants_and_labels_its_findings(built):
    site, _ = built
    page = site.html("studies/kilo-2019-first-test")
    assert "22 people with ME/CFS, 10 healthy controls" in page.select_one(".atlas-byline").text
    label = page.select_one("#findings a.atlas-finding-label")
    assert label.get_text() == "VO2peak, day 2: lower"
    assert label["href"] == f"../measures/{MEASURE}.html"
    item = label.find_parent("li")
    assert item.get_text().endswith("Peak oxygen use fell on the second day.")
    assert "[" not in item.get_text()


def test_a_finding_on_part_of_a_study_says_which_part(built):
    site, _ = built
    page = site.html("studies/mike-2021-third-test")
    items = page.select("#findings li")
    assert items[0].select_one(".atlas-finding-scope").get_text() == (
        "(15 people with ME/CFS, 15 healthy controls)"
    )
    assert items[1].select_one(".atlas-finding-label") is None


def test_the_ledger_sums_up_and_splits_by_pem(built):
    site, _ = built
    page = site.html(f"measures/{MEASURE}")
    assert page.select_one("h1").get_text().startswith("VO2peak, day 2")
    summary = page.select_one(".atlas-ledger-summary").get_text()
    assert summary == (
        "Lower in 2 studies, no difference in 1. Of the 2 that required PEM, both found it lower."
    )
    split = [li.get_text() for li in page.select(".atlas-ledger-pem li")]
    assert split == [
        "PEM required (2 studies): lower in 2 studies",
        "PEM not required or unclear (1 study): no difference in 1 study",
    ]
    rows = page.select("table.atlas-ledger-table tbody tr")
    assert [row.select("td")[0].a.get_text() for row in rows] == [
        "Mike study 3",
        "Lima study 2",
        "Kilo study 1",
    ]
    mike = [cell.get_text() for cell in rows[0].select("td")]
    assert mike[2:8] == [
        "no difference",
        "15 people with ME/CFS, 15 healthy controls",
        "Fukuda / CDC criteria (1994)",
        "PEM not required",
        "E2",
        "Observational",
    ]
    assert mike[8] == "Fails to replicate"
    assert rows[2].select("td")[8].get_text() == "Not replicated by, Replicated by"


def test_the_ledger_chart_is_accessible_svg(built):
    site, _ = built
    svg = site.html(f"measures/{MEASURE}").select_one("figure.atlas-ledger-chart svg")
    assert svg["role"] == "img"
    assert svg.select_one("title").get_text() == "VO2peak, day 2: direction by study size"
    assert "3 findings" in svg.select_one("desc").get_text()
    dots = svg.select("circle")
    assert len(dots) == 3
    assert sum("atlas-dot-pem" in dot["class"] for dot in dots) == 2


def test_a_measure_without_findings_says_so(built):
    site, _ = built
    page = site.html("measures/fatigue-score")
    assert "No study in the atlas has a structured finding" in page.text


def test_the_evidence_map_shows_every_cell_and_links_to_browse(built):
    site, _ = built
    page = site.html("evidence-map")
    table = page.select_one("table.atlas-evidence-map")
    headers = [th.get_text() for th in table.select("thead th")]
    assert headers[:3] == ["Topic", "Exercise testing", "Immune system"]
    rows = {tr.th.get_text(): tr.select("td") for tr in table.select("tbody tr")}
    # Every topic tag has a row, empty ones too.
    assert len(rows) == sum(tag.family == "topic" for tag in VOCABULARY.tags)
    exercise = rows["Exercise Physiology"][0]
    assert exercise.a.get_text() == "3 studies"
    assert exercise.a["href"] == f"browse.html?tag={EXERCISE_TAG}&family=exercise"
    details = [span.get_text() for span in exercise.select(".atlas-map-detail")]
    assert details == ["best E1", "67% PEM required"]
    assert rows["Exercise Physiology"][1].get_text() == "·No studies"
    assert rows["Immune System"][1].a.get_text() == "1 study"
    ledgers = {a.get_text(): a["href"] for a in page.select(".atlas-measure-list a")}
    assert ledgers["VO2peak, day 2"] == f"measures/{MEASURE}.html"


def test_a_tag_page_opens_with_the_evidence_at_a_glance(built):
    site, _ = built
    page = site.html(f"tags/{EXERCISE_TAG}")
    glance = page.select_one("section.atlas-glance")
    assert glance.h2.get_text() == "At a glance: 3 studies"
    assert "E1 Replicated (1), E2 Single study (2)" in glance.get_text()
    measured = [li.get_text() for li in glance.select(".atlas-glance-measures li")]
    assert measured == ["VO2peak, day 2: lower in 2 studies, no difference in 1"]
    chains = [li.get_text(" ", strip=True) for li in glance.select(".atlas-glance-chains li")]
    assert chains == [
        "Lima study 2 replicates Kilo study 1",
        "Mike study 3 fails to replicate Kilo study 1",
    ]
    # The list of studies follows the summary.
    assert glance.find_next("table", class_="atlas-study-table") is not None


def test_changing_one_finding_rewrites_exactly_the_pages_that_show_it(tmp_path):
    site = new_site(tmp_path, ledger_studies())
    assert site.build().warning_lines() == []
    path = site.srcdir / "studies" / "mike-2021-third-test.md"
    path.write_text(
        path.read_text().replace(f"[{MEASURE}: no difference |", f"[{MEASURE}: lower |"),
        encoding="utf-8",
    )
    build = site.build()
    assert build.warning_lines() == []
    # The map's cell (3 studies, best E1, 2 of 3 with PEM) and the measure list are unchanged.
    # The data page shows the open-data files' sizes, so it (and "index", whose toctree
    # holds it) may be rewritten as well; that is its own rule, not this one.
    assert build.written - DATA_PAGES == {
        "studies/mike-2021-third-test",
        f"measures/{MEASURE}",
        f"tags/{EXERCISE_TAG}",
    }
    summary = site.html(f"measures/{MEASURE}").select_one(".atlas-ledger-summary").get_text()
    assert summary.startswith("Lower in 3 studies.")
    # A new measure for a study moves it into another map cell: the map is rewritten too.
    path.write_text(
        path.read_text().replace(f"[{MEASURE}: lower |", "[nk-cell-count: higher |"),
        encoding="utf-8",
    )
    build = site.build()
    # Sphinx also rewrites "index", whose toctree holds the changed map page.
    assert build.written - DATA_PAGES == {
        "studies/mike-2021-third-test",
        f"measures/{MEASURE}",
        "measures/nk-cell-count",
        f"tags/{EXERCISE_TAG}",
        "evidence-map",
    }


def test_the_open_data_carries_participants_and_findings(built):
    import csv
    import json

    from jsonschema import Draft202012Validator

    site, _ = built
    data = json.loads((site.outdir / "studies.json").read_text("utf-8"))
    schema = json.loads((site.outdir / "studies.schema.json").read_text("utf-8"))
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(data)
    by_id = {record["id"]: record for record in data["studies"]}
    mike = by_id["studies/mike-2021-third-test"]
    assert mike["participants"] == "40 ME/CFS; 30 healthy controls"
    assert mike["participant-groups"] == [
        {"kind": "me-cfs", "count": 40},
        {"kind": "healthy-controls", "count": 30},
    ]
    assert mike["findings"] == [
        {
            "measure": MEASURE,
            "direction": "no difference",
            "participants": "15 ME/CFS; 15 healthy controls",
            "text": "No fall was seen in this part of the study.",
        }
    ]
    assert "findings" not in by_id["studies/november-2022-immune-cells"] or by_id[
        "studies/november-2022-immune-cells"
    ]["findings"][0]["measure"] == ("nk-cell-cytotoxicity")

    with (site.outdir / "studies.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows["studies/kilo-2019-first-test"]["participants"] == "22 ME/CFS; 10 healthy controls"
    assert rows["studies/kilo-2019-first-test"]["people-with-me-cfs"] == "22"
    assert rows["studies/mike-2021-third-test"]["findings"] == f"{MEASURE}: no difference"
    assert rows["studies/november-2022-immune-cells"]["people-with-me-cfs"] == ""

    with (site.outdir / "findings.csv").open(encoding="utf-8", newline="") as handle:
        findings = list(csv.DictReader(handle))
    assert len(findings) == 4
    mike_row = next(row for row in findings if row["study-id"] == "studies/mike-2021-third-test")
    assert mike_row == {
        "study-id": "studies/mike-2021-third-test",
        "doi": "10.5555/fixture.ledger3",
        "pmid": "91000003",
        "year": "2021",
        "measure": MEASURE,
        "measure-family": "exercise",
        "direction": "no difference",
        "participants": "15 ME/CFS; 15 healthy controls",
        "people-with-me-cfs": "15",
        "case-definition": "fukuda",
        "pem": "not-required",
        "evidence": "E2",
        "design": "observational",
        "retracted": "",
        "finding": "No fall was seen in this part of the study.",
    }


def test_a_finding_that_starts_like_a_formula_is_defused(tmp_path):
    import csv

    text = study("Oscar", 2020, 9, [f"- [{MEASURE}: lower] =HYPERLINK(1) and more."])
    site = new_site(tmp_path, {"oscar-2020-formula-test": text})
    site.build()
    with (site.outdir / "findings.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["finding"] == "'=HYPERLINK(1) and more."


def test_the_browse_index_offers_study_size_and_what_was_measured(built):
    import json

    site, _ = built
    index = json.loads((site.outdir / "browse.json").read_text("utf-8"))
    column = {name: position for position, name in enumerate(index["columns"])}
    assert [label for _, label in index["people"]] == [
        "Fewer than 20 people with ME/CFS",
        "20 to 49 people with ME/CFS",
        "50 to 99 people with ME/CFS",
        "100 to 499 people with ME/CFS",
        "500 or more people with ME/CFS",
    ]
    assert [key for key, _ in index["family"]][:2] == ["exercise", "immune"]
    by_path = {row[column["path"]]: row for row in index["studies"]}
    kilo, lima = by_path["kilo-2019-first-test"], by_path["lima-2020-second-test"]
    assert index["people"][kilo[column["people"]]][0] == "20-49"
    assert index["people"][lima[column["people"]]][0] == "50-99"
    assert by_path["november-2022-immune-cells"][column["people"]] is None
    assert [index["family"][i][0] for i in kilo[column["measured"]]] == ["exercise"]
    assert [
        index["family"][i][0] for i in by_path["november-2022-immune-cells"][column["measured"]]
    ] == ["immune"]


def test_other_builders_show_the_label_and_participants_in_words(tmp_path):
    site = new_site(tmp_path, {"kilo-2019-first-test": ledger_studies()["kilo-2019-first-test"]})
    build = site.build(builder="text")
    assert build.warning_lines() == []
    written = (site.output_of("text") / "studies" / "kilo-2019-first-test.txt").read_text("utf-8")
    text = " ".join(written.split())  # the text builder wraps lines
    assert "22 people with ME/CFS, 10 healthy controls" in text
    # In bold, which the text builder writes as **...**.
    assert "**VO2peak, day 2: lower.** Peak oxygen use fell on the second day." in text
    assert f"[{MEASURE}" not in text


@pytest.mark.parametrize(
    ("found", "summary"),
    [
        (
            [("a", "lower", "required"), ("b", "lower", "unclear")],
            "Lower in 2 studies. The one study that required PEM found it lower.",
        ),
        (
            [("a", "mixed", "required"), ("b", "mixed", "required"), ("c", "mixed", "required")],
            "Mixed in 3 studies. Of the 3 that required PEM, all found mixed results.",
        ),
        (
            [("a", "lower", "required"), ("b", "no difference", "required")],
            "Lower in 1 study, no difference in 1. Of the 2 that required PEM: lower in 1, "
            "no difference in 1.",
        ),
        (
            [("a", "higher", "not-required"), ("a", "higher", "not-required")],
            "Higher in 1 study. No study on this measure required PEM.",
        ),
    ],
)
def test_the_summary_line_reads_as_a_sentence(found, summary):
    from atlas.sphinx.ledger import summary_line
    from atlas.sphinx.synthesis import LedgerRow

    rows = [
        LedgerRow(doc, doc, 2020, direction, "", None, (), pem, "E2", "rct", False, (), "")
        for doc, direction, pem in found
    ]
    assert summary_line(rows) == summary


def test_definitions_and_guidelines_never_count_as_a_cells_best_findings(tmp_path):
    """E0 stands apart from the findings ladder: a cell with an E0 and an E2 study is 'best E2'."""
    finding = [f"- [{MEASURE}: lower] Lower on day 2."]
    site = new_site(
        tmp_path,
        {
            "kilo-2019-first-test": study("Kilo", 2019, 1, finding, evidence="E2"),
            "lima-2020-second-test": study(
                "Lima", 2020, 2, finding, evidence="E0", design="guideline"
            ),
        },
    )
    assert site.build().warning_lines() == []
    rows = {
        tr.th.get_text(): tr.select("td")
        for tr in site.html("evidence-map").select("table.atlas-evidence-map tbody tr")
    }
    cell = rows["Exercise Physiology"][0]
    assert cell.a.get_text() == "2 studies"
    assert cell.select(".atlas-map-detail")[0].get_text() == "best E2"
    glance = site.html(f"tags/{EXERCISE_TAG}").select_one(".atlas-glance").get_text()
    assert glance.index("E2") < glance.index("E0")

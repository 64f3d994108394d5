"""Broken variants of a valid study page, each with the rule it breaks and where.

Both the model tests (no Sphinx) and the build tests read this table, so the
command-line rules and the build can never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from conftest import fixture_study

BASE = fixture_study("alpha-2020-first-fixture")


@dataclass(frozen=True)
class Case:
    name: str
    old: str
    new: str
    code: str
    #: Start of the (last) line the problem must point at; None means the opening fence.
    at: str | None
    #: Words the message must contain (the allowed values, the fix).
    says: str
    #: Further (old, new) replacements, for rules that need two changes to break.
    also: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        text = BASE
        for old, new in ((self.old, self.new), *self.also):
            assert old in text, old
            text = text.replace(old, new, 1)
        return text

    @property
    def line(self) -> int:
        if self.at is None:
            return 1
        lines = self.text.splitlines()
        return max(i for i, line in enumerate(lines, 1) if line.startswith(self.at))


CASES = [
    Case(
        "unknown-level",
        ":evidence: E1",
        ":evidence: E5",
        "ATLAS020",
        ":evidence:",
        "Allowed: E0, E1, E2, E3",
    ),
    Case(
        "label-instead-of-key",
        ":pem: required",
        ":pem: PEM required",
        "ATLAS020",
        ":pem:",
        "Did you mean 'required'?",
    ),
    Case("missing-option", ":design: rct\n", "", "ATLAS010", None, "':design: rct'"),
    Case(
        "empty-option",
        ":journal: Journal of Test Fixtures",
        ":journal:",
        "ATLAS011",
        ":journal:",
        "Fill it in",
    ),
    Case(
        "unknown-option",
        ":tags:",
        ":colour: blue\n:tags:",
        "ATLAS004",
        ":colour:",
        "Options are: title, authors",
    ),
    Case(
        "misspelt-option",
        ":confidence:",
        ":confidance:",
        "ATLAS004",
        ":confidance:",
        "Did you mean ':confidence:'?",
    ),
    Case(
        "malformed-option", ":year: 2020", ":year 2020", "ATLAS003", ":year 2020", "':name: value'"
    ),
    Case(
        "repeated-option",
        ":year: 2020",
        ":year: 2020\n:year: 2021",
        "ATLAS005",
        ":year: 2021",
        "given twice",
    ),
    Case(
        "doi-as-url",
        ":doi: 10.5555/fixture.alpha",
        ":doi: https://doi.org/10.5555/fixture.alpha",
        "ATLAS030",
        ":doi:",
        "no https://doi.org/",
    ),
    Case(
        "pmid-with-prefix",
        ":pmid: 90000001",
        ":pmid: PMID90000001",
        "ATLAS031",
        ":pmid:",
        "digits only",
    ),
    Case("year-not-a-number", ":year: 2020", ":year: 20x0", "ATLAS032", ":year:", "four-digit"),
    Case("year-in-future", ":year: 2020", ":year: 2999", "ATLAS032", ":year:", "four-digit"),
    Case(
        "impossible-date",
        ":updated: 2026-03-01",
        ":updated: 2026-02-30",
        "ATLAS033",
        ":updated:",
        "YYYY-MM-DD",
    ),
    Case(
        "date-in-words",
        ":updated: 2026-03-01",
        ":updated: 1 March 2026",
        "ATLAS033",
        ":updated:",
        "YYYY-MM-DD",
    ),
    Case(
        "pem-contradicts-ccc",
        ":pem: required",
        ":pem: not-required",
        "ATLAS040",
        ":pem:",
        "Write ':pem: required'",
    ),
    Case(
        "unknown-tag",
        "symptom-fatigue,",
        "symptom-fatigu,",
        "ATLAS021",
        ":tags:",
        "Did you mean 'symptom-fatigue'?",
    ),
    Case(
        "repeated-tag",
        "symptom-fatigue,",
        "symptom-fatigue, symptom-fatigue,",
        "ATLAS022",
        ":tags:",
        "same value twice",
    ),
    Case(
        "reviewed-without-reviewer",
        ":review: community-draft",
        ":review: reviewed",
        "ATLAS041",
        ":review:",
        "':reviewed-by:'",
    ),
    Case(
        "reviewer-on-a-draft",
        ":review: community-draft",
        ":review: community-draft\n:reviewed-by: Someone, Else",
        "ATLAS042",
        ":reviewed-by:",
        "Remove the reviewer",
    ),
    Case(
        "no-identifier",
        ":doi: 10.5555/fixture.alpha\n:pmid: 90000001\n",
        "",
        "ATLAS012",
        None,
        "':doi:' or a ':pmid:'",
    ),
    Case(
        "missing-section",
        "## Observed findings\n\n- The first finding of alpha-2020-first-fixture.\n"
        "- The second finding of alpha-2020-first-fixture.\n\n",
        "",
        "ATLAS050",
        None,
        "'## Observed findings' is missing",
    ),
    Case(
        "empty-section",
        "It lets the tests check pages, indexes and counts.\n",
        "",
        "ATLAS051",
        "## Why it matters",
        "has no text",
    ),
    Case(
        "unknown-section",
        "## Remaining questions",
        "## Remaining qestions",
        "ATLAS052",
        "## Remaining qestions",
        "Did you mean '## Remaining questions'?",
    ),
    Case(
        "repeated-section",
        "## Inferred conclusions",
        "## Remaining questions\n\n- Twice.\n\n## Inferred conclusions",
        "ATLAS053",
        "## Remaining questions",
        "appears twice",
    ),
    Case(
        "text-before-sections",
        "## Quick summary",
        "Some stray words.\n\n## Quick summary",
        "ATLAS054",
        "Some stray words.",
        "under a section heading",
    ),
    Case(
        "findings-not-a-list",
        "- The first finding of alpha-2020-first-fixture.\n"
        "- The second finding of alpha-2020-first-fixture.",
        "Findings written as a paragraph.",
        "ATLAS055",
        "Findings written as a paragraph.",
        "bullet list",
    ),
    Case(
        "inline-html",
        "A fixture study used by the test suite.",
        "A fixture study used by the <b>test</b> suite.",
        "ATLAS070",
        "A fixture study",
        "Use Markdown instead",
    ),
    Case(
        "html-comment",
        "It lets the tests check pages, indexes and counts.",
        "<!-- a note for the editors -->\nIt lets the tests check pages, indexes and counts.",
        "ATLAS070",
        "<!--",
        "Raw HTML",
    ),
    Case(
        "raw-html-block",
        "It lets the tests check pages, indexes and counts.",
        "It lets the tests check pages, indexes and counts.\n\n~~~{raw} html\n"
        "<script>alert(1)</script>\n~~~",
        "ATLAS070",
        "~~~{raw} html",
        "Remove the block",
    ),
    Case(
        "javascript-link",
        "A fixture study used by the test suite.",
        "A fixture study used by the [test suite](javascript:alert(1)).",
        "ATLAS071",
        "A fixture study",
        "'javascript:' link",
    ),
    Case(
        "data-link-in-a-reference",
        "- The second finding of alpha-2020-first-fixture.",
        "- The second finding of [alpha][paper].\n\n[paper]: &#68;ata:text/html,hello",
        "ATLAS071",
        "[paper]:",
        "'data:' link",
    ),
    Case(
        "unfilled-prompt",
        "It is a fixture, so it proves nothing about ME/CFS.",
        "FILL IN: The limits of the study, in plain words.",
        "ATLAS072",
        "FILL IN",
        "Replace the prompt with your own words",
    ),
    Case(
        "cure-claimed-by-a-preliminary-trial",
        ":evidence: E1",
        ":evidence: E3",
        "ATLAS073",
        "The drug cures",
        "for example 'improved'",
        also=(("A fixture study used by the test suite.", "The drug cures fatigue."),),
    ),
    Case(
        "cause-claimed-by-an-observational-study",
        ":design: rct",
        ":design: observational",
        "ATLAS073",
        "- Low vitamin D",
        "Observational at E1",
        also=(("- The first finding of alpha-2020-first-fixture.", "- Low vitamin D causes it."),),
    ),
    Case(
        "medical-advice",
        "- A conclusion of alpha-2020-first-fixture.",
        "- Patients should stop taking the drug.",
        "ATLAS074",
        "- Patients should",
        "reads as medical advice",
    ),
    Case(
        "misspelt-required-heading",
        "## Observed findings",
        "## Observed finding",
        "ATLAS050",
        "## Observed finding",
        "'## Observed finding' is probably it",
    ),
    Case(
        "retraction-without-notice",
        ":updated: 2026-03-01",
        ":updated: 2026-03-01\n:retracted: 2021-01-05",
        "ATLAS082",
        ":retracted:",
        "':retraction-notice:' as well",
    ),
    Case(
        "lineage-names-a-path",
        ":updated: 2026-03-01",
        ":updated: 2026-03-01\n:replicates: studies/Beta.md",
        "ATLAS083",
        ":replicates:",
        "file names of other study pages",
    ),
    Case(
        "relative-link-in-text",
        "It is a fixture, so it proves nothing about ME/CFS.",
        "It is a fixture; see [the other page](other-study.md).",
        "ATLAS084",
        "It is a fixture; see",
        "starts with https://",
    ),
    Case(
        "retraction-in-the-future",
        ":updated: 2026-03-01",
        ":updated: 2026-03-01\n:retracted: 2099-01-05\n:retraction-notice: 10.5555/notice.1",
        "ATLAS085",
        ":retracted:",
        "is later than today",
    ),
    Case(
        "retraction-before-publication",
        ":updated: 2026-03-01",
        ":updated: 2026-03-01\n:retracted: 2019-12-31\n:retraction-notice: 10.5555/notice.2",
        "ATLAS085",
        ":retracted:",
        "before the paper was published",
    ),
    Case(
        "unknown-as-an-author",
        ":authors: Alpha, Anna B; Beta, Carl; Gamma, Dana; Delta, Erik",
        ":authors: Unknown",
        "ATLAS131",
        ":authors:",
        "write ':authors: [No authors listed]'",
    ),
    Case(
        "isbn-check-digit",
        ":design: rct",
        ":isbn: 978-0-309-31689-8\n:design: rct",
        "ATLAS132",
        ":isbn:",
        "check digit does not fit",
    ),
    Case(
        "web-address-not-full",
        ":design: rct",
        ":paper-url: www.example.org/a\n:archive-url: https://web.archive.org/web/2024/x\n"
        ":design: rct",
        "ATLAS133",
        ":paper-url:",
        "starting with https://",
    ),
    Case(
        "web-address-without-archive",
        ":design: rct",
        ":paper-url: https://www.example.org/a\n:design: rct",
        "ATLAS134",
        ":paper-url:",
        "needs ':archive-url:' as well",
    ),
    Case(
        "renamed-tag",
        "symptom-fatigue,",
        "topic-case-definition,",
        "ATLAS130",
        ":tags:",
        "write 'topic-diagnosis-and-case-definition' instead",
    ),
    Case(
        "updated-in-the-future",
        ":updated: 2026-03-01",
        ":updated: 2099-03-01",
        "ATLAS086",
        ":updated:",
        "is later than today",
    ),
    Case(
        "year-in-superscript-digits",
        ":year: 2020",
        ":year: \u00b2\u2070\u00b2\u2070",
        "ATLAS032",
        ":year:",
        "Write the year in ordinary digits",
    ),
    Case(
        "year-in-arabic-indic-digits",
        ":year: 2020",
        ":year: \u0662\u0660\u0662\u0660",
        "ATLAS032",
        ":year:",
        "Write the year in ordinary digits",
    ),
    Case(
        "date-in-full-width-digits",
        ":updated: 2026-03-01",
        ":updated: \uff12\uff10\uff12\uff16-03-01",
        "ATLAS033",
        ":updated:",
        "Write the date in ordinary digits",
    ),
    Case(
        "pmid-in-full-width-digits",
        ":pmid: 90000001",
        ":pmid: \uff19\uff10\uff10\uff10\uff10\uff10\uff10\uff11",
        "ATLAS031",
        ":pmid:",
        "ordinary digits",
    ),
    Case(
        "doi-with-a-zero-width-space",
        ":doi: 10.5555/fixture.alpha",
        ":doi: 10.5555/fixture.alpha\u200b",
        "ATLAS030",
        ":doi:",
        "without the invisible characters U+200B",
    ),
    Case(
        "doi-ending-a-sentence",
        ":doi: 10.5555/fixture.alpha",
        ":doi: doi:10.5555/fixture.alpha.",
        "ATLAS030",
        ":doi:",
        "without 'https://doi.org/' or 'doi:'; the punctuation after it",
    ),
]

# Participants and structured findings (issue 13).
FINDING = "- The first finding of alpha-2020-first-fixture."
CASES += [
    Case(
        "participants-count-without-kind",
        ":case-definition: ccc",
        ":case-definition: ccc\n:participants: 22 ME/CFS; 10",
        "ATLAS100",
        ":participants:",
        "'10' has no kind",
    ),
    Case(
        "participants-kind-without-count",
        ":case-definition: ccc",
        ":case-definition: ccc\n:participants: 22 ME/CFS; healthy controls",
        "ATLAS100",
        ":participants:",
        "has no number",
    ),
    Case(
        "participants-unknown-kind",
        ":case-definition: ccc",
        ":case-definition: ccc\n:participants: 22 ME/CFS; 10 helthy controls",
        "ATLAS100",
        ":participants:",
        "Did you mean 'healthy controls'?",
    ),
    Case(
        "participants-pooled-on-a-trial",
        ":case-definition: ccc",
        ":case-definition: ccc\n:participants: 5 studies pooled; 22 ME/CFS",
        "ATLAS100",
        ":participants:",
        "'studies pooled' is for reviews",
    ),
    Case(
        "participants-two-me-cfs-parts",
        ":case-definition: ccc",
        ":case-definition: ccc\n:participants: 12 ME/CFS; 10 ME/CFS",
        "ATLAS100",
        ":participants:",
        "given 2 times",
    ),
    Case(
        "participants-zero",
        ":case-definition: ccc",
        ":case-definition: ccc\n:participants: 22 ME/CFS; 0 healthy controls",
        "ATLAS100",
        ":participants:",
        "counts nobody",
    ),
    Case(
        "small-sample-flag-on-a-large-study",
        ":case-definition: ccc",
        ":case-definition: ccc\n:participants: 1,200 ME/CFS; 300 healthy controls",
        "ATLAS101",
        ":participants:",
        "the atlas calls a study small below 30",
    ),
    Case(
        "participants-in-another-spelling",
        ":case-definition: ccc",
        ":case-definition: ccc\n:participants: 22 me/cfs;10 Healthy Controls",
        "ATLAS104",
        ":participants:",
        "Write ':participants: 22 ME/CFS; 10 healthy controls'",
    ),
    Case(
        "finding-with-an-unknown-measure",
        FINDING,
        "- [vo2-peek: lower] The first finding of alpha-2020-first-fixture.",
        "ATLAS102",
        "- [vo2-peek",
        "Did you mean 'vo2-peak'",
    ),
    Case(
        "finding-with-an-unknown-direction",
        FINDING,
        "- [vo2-peak: sideways] The first finding of alpha-2020-first-fixture.",
        "ATLAS103",
        "- [vo2-peak",
        "Write one of: higher, lower, no difference, mixed",
    ),
    Case(
        "finding-label-in-another-spelling",
        FINDING,
        "- [VO2-Peak: reduced] The first finding of alpha-2020-first-fixture.",
        "ATLAS104",
        "- [VO2-Peak",
        "[vo2-peak: lower]",
    ),
    Case(
        "finding-with-unreadable-participants",
        FINDING,
        "- [vo2-peak: lower | 20] The first finding of alpha-2020-first-fixture.",
        "ATLAS100",
        "- [vo2-peak",
        "'20' has no kind",
    ),
    Case(
        "certainty-wording-beyond-the-level",
        FINDING,
        "- Exercise results in lower peak oxygen use in this fixture.",
        "ATLAS105",
        "- Exercise results in",
        "Write 'the evidence is very uncertain about' instead",
        also=(
            (":evidence: E1", ":evidence: E3"),
            (":confidence: moderate", ":confidence: preliminary"),
        ),
    ),
]

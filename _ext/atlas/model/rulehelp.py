"""What each rule means and how to fix it, in plain words.

``atlas check`` prints the fix as a hint under each problem, ``atlas rules``
prints the whole table, and CONTRIBUTING.md holds the same table (a test keeps
the two equal), so a contributor reads one explanation everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rules import Rule


@dataclass(frozen=True)
class RuleHelp:
    meaning: str
    fix: str


HELP: dict[Rule, RuleHelp] = {
    Rule.NO_STUDY_BLOCK: RuleHelp(
        "The page has no study block.",
        "Start from `make new FROM=file` (or `.venv/bin/atlas new`) or copy `_templates/study.md`.",
    ),
    Rule.SEVERAL_STUDY_BLOCKS: RuleHelp(
        "The page has more than one study block.",
        "Keep one study per page. Move the other to a page of its own.",
    ),
    Rule.MALFORMED_OPTION: RuleHelp(
        "An option line at the top cannot be read.",
        "Write it as `:name: value`, with a colon on both sides of the name.",
    ),
    Rule.UNKNOWN_OPTION: RuleHelp(
        "The page uses an option the atlas does not know.",
        "Check the spelling. The message lists every option.",
    ),
    Rule.REPEATED_OPTION: RuleHelp(
        "The same option appears twice.",
        "Keep one line and delete the other.",
    ),
    Rule.MISSING_FIELD: RuleHelp(
        "A required option is missing.",
        "Add the line the message shows, then put in the real value.",
    ),
    Rule.EMPTY_FIELD: RuleHelp(
        "An option has no value.",
        "Write the value after the name, or delete the line if the option is optional.",
    ),
    Rule.MISSING_IDENTIFIER: RuleHelp(
        "The study has no identifier: no DOI, PMID, ISBN, report number or web address.",
        "Add `:doi:` or `:pmid:` from the paper's page on PubMed or the journal. A paper "
        "with neither gets `:isbn:`, `:report:` or `:paper-url:` with `:archive-url:`.",
    ),
    Rule.UNKNOWN_VALUE: RuleHelp(
        "A value is not in the atlas vocabulary.",
        "Use one of the values the message lists. Their meanings are on 'How the atlas works'.",
    ),
    Rule.UNKNOWN_TAG: RuleHelp(
        "A tag is not in the atlas vocabulary.",
        "Use a tag key that `make vocabulary` lists, written like `symptom-fatigue`.",
    ),
    Rule.REPEATED_VALUE: RuleHelp(
        "A list option names the same value twice.",
        "Delete the second one. `make fix` (or `.venv/bin/atlas check --fix`) does this for tags.",
    ),
    Rule.BAD_DOI: RuleHelp(
        "The DOI is not a bare DOI.",
        "Write it as `10.xxxx/...` without `https://doi.org/`. `make fix` (or "
        "`.venv/bin/atlas check --fix`) does this.",
    ),
    Rule.BAD_PMID: RuleHelp(
        "The PMID is not a plain number.",
        "Write digits only, without `PMID:`. `make fix` (or `.venv/bin/atlas check --fix`) "
        "does this.",
    ),
    Rule.BAD_YEAR: RuleHelp(
        "The year is not a four-digit year up to this year.",
        "Write the year the paper was published, such as `2014`.",
    ),
    Rule.BAD_DATE: RuleHelp(
        "The `:updated:` date is not a real date in YYYY-MM-DD form.",
        "Write the date you last changed the page, such as `2026-04-08`.",
    ),
    Rule.PEM_CONTRADICTS_CASE_DEFINITION: RuleHelp(
        "The PEM value disagrees with the case definition.",
        "CCC, ICC and IOM require PEM; Fukuda and Oxford do not. Fix whichever is wrong.",
    ),
    Rule.MISSING_REVIEWER: RuleHelp(
        "The page says it was reviewed but names no reviewer.",
        "Add `:reviewed-by:`, or set `:review: community-draft` if nobody checked it.",
    ),
    Rule.REVIEWER_WITHOUT_REVIEW: RuleHelp(
        "A reviewer is named but the review status says nobody reviewed the page.",
        "Remove `:reviewed-by:`, or set the review status that is true.",
    ),
    Rule.MISSING_SECTION: RuleHelp(
        "A required section is missing.",
        "Add the heading the message names and write a few plain sentences under it.",
    ),
    Rule.EMPTY_SECTION: RuleHelp(
        "A section has a heading but no text.",
        "Write under the heading, or delete an optional section.",
    ),
    Rule.UNKNOWN_SECTION: RuleHelp(
        "A heading is not one of the atlas sections.",
        "Use the heading the message suggests. Sub-headings are not used on study pages.",
    ),
    Rule.REPEATED_SECTION: RuleHelp(
        "A section appears twice.",
        "Merge the two into one section.",
    ),
    Rule.TEXT_OUTSIDE_SECTION: RuleHelp(
        "Text stands between the options and the first heading.",
        "Move it under a section heading such as `## Quick summary`.",
    ),
    Rule.SECTION_NOT_A_LIST: RuleHelp(
        "A section that must be a bullet list is written as a paragraph.",
        "Start each point on its own line with `- `.",
    ),
    Rule.DUPLICATE_STUDY: RuleHelp(
        "Another page already has this DOI or PMID.",
        "A paper gets one page. Improve the page that exists instead.",
    ),
    Rule.RAW_HTML: RuleHelp(
        "The page holds HTML, an HTML comment or a `{raw}` block.",
        "Write it in Markdown. For a less-than sign write 'less than'.",
    ),
    Rule.UNSAFE_LINK: RuleHelp(
        "A link starts with `javascript:`, `vbscript:` or `data:`.",
        "Link to an `https://` address instead.",
    ),
    Rule.UNFILLED_PROMPT: RuleHelp(
        "A `FILL IN` prompt from `atlas new` is still on the page.",
        "Replace the prompt with your own words, or delete an optional section.",
    ),
    Rule.CAUSAL_WORDING: RuleHelp(
        "Words such as 'proves', 'cures' or 'causes' on a study whose design cannot show that.",
        "Say what was observed: 'was linked with', 'improved', 'suggests'.",
    ),
    Rule.MEDICAL_ADVICE: RuleHelp(
        "Text tells readers what to do, such as 'you should take'.",
        "Say what the study did or found. The atlas does not give advice.",
    ),
    Rule.FILE_NAME: RuleHelp(
        "The file name does not start with the first author's surname and the year.",
        "Rename the file to the name the message suggests, with `git mv`.",
    ),
    Rule.NEAR_DUPLICATE_TITLE: RuleHelp(
        "Another page has almost the same title.",
        "Check whether both pages are one paper. If they are, keep one.",
    ),
    Rule.LINEAGE_TARGET_MISSING: RuleHelp(
        "A lineage option names a study page that does not exist.",
        "Use the other page's file name without '.md', as it is in source/studies/.",
    ),
    Rule.LINEAGE_TO_ITSELF: RuleHelp(
        "A lineage option names the page it is on.",
        "Name the other study's page, or remove the option.",
    ),
    Rule.RETRACTION_INCOMPLETE: RuleHelp(
        "A retraction is given without its date or without its notice.",
        "Give both ':retracted: YYYY-MM-DD' and ':retraction-notice:' with the notice's DOI.",
    ),
    Rule.BAD_STUDY_REFERENCE: RuleHelp(
        "A lineage option holds something that is not a page name.",
        "Write page names in lower case with hyphens, separated by commas, without '.md'.",
    ),
    Rule.PAGE_TOO_LARGE: RuleHelp(
        "The page is larger than 50,000 bytes, so it is not read.",
        "Summarise the study in your own words. Do not paste the paper or its abstract.",
    ),
    Rule.TEXT_OUTSIDE_BLOCK: RuleHelp(
        "Text stands before or after the study block; the site does not show it.",
        "Move it into a section inside the block, or delete it.",
    ),
    Rule.NOT_UTF8: RuleHelp(
        "The file is not UTF-8 text, so the site leaves the page out.",
        "Save the file as UTF-8 in your editor (often under 'Save as' or 'Encoding').",
    ),
    Rule.RELATIVE_LINK: RuleHelp(
        "A link in the study text is not a full web address.",
        "Write the full address, starting with https://. Link other studies with a lineage option.",
    ),
    Rule.RETRACTION_DATE_IMPOSSIBLE: RuleHelp(
        "The retraction date is in the future or before the paper's publication year.",
        "Write the date printed on the retraction notice, as YYYY-MM-DD, and check ':year:'.",
    ),
    Rule.UPDATED_IN_FUTURE: RuleHelp(
        "The `:updated:` date is later than today, so the site does not use it.",
        "Write the date you last changed the page, such as today's.",
    ),
    Rule.CONTROL_CHARACTER: RuleHelp(
        "The page holds an invisible control character or a text-direction override.",
        "Delete the character at the line and column the message gives; retype the text there.",
    ),
    Rule.UNUSABLE_FILE_NAME: RuleHelp(
        "The file name cannot be a web address, so the site leaves the page out.",
        "Rename the file with `git mv` to lower-case letters, digits and hyphens, at most "
        "100 characters, such as the name the message suggests.",
    ),
    Rule.PAGE_NAME_COLLISION: RuleHelp(
        "Two page names differ only by hyphens, letter case or accents, so readers and some "
        "file systems take them for one.",
        "If both pages are one paper, keep one. If not, rename this page with `git mv`.",
    ),
    Rule.NOT_A_PAGE: RuleHelp(
        "A file under `source/` is not a kind the site reads: pages must be Markdown files "
        "ending in `.md`.",
        "Rename it to `NAME.md` (lower-case `.md`) and write it in Markdown, or move it out "
        "of `source/`.",
    ),
    Rule.STUDY_IN_FOLDER: RuleHelp(
        "A study page is in a folder inside `source/studies/`, so the site does not read it.",
        "Move it to `source/studies/` itself, with `git mv`, and delete the empty folder.",
    ),
    Rule.LINK_LEAVES_REPOSITORY: RuleHelp(
        "A symbolic link under `source/` is broken, leads outside the repository or into a "
        "hidden folder, or loops.",
        "Replace the link with the file itself: a copy inside the repository.",
    ),
    Rule.UNTRUSTED_MARKUP: RuleHelp(
        "A guide page holds HTML, reST, a substitution or MyST settings, which only pages named "
        "in `atlas_trusted_pages` may hold.",
        "Write it in Markdown. A maintainer may name the page in `atlas_trusted_pages` in "
        "`conf.py` instead.",
    ),
    Rule.FILE_INSERTION: RuleHelp(
        "A guide page inserts another file, or shows or links a file outside the repository.",
        "Copy the text into the page, or put the file in `source/` and point to it there.",
    ),
    Rule.BAD_PARTICIPANTS: RuleHelp(
        "The participants cannot be read: a number without a kind, a kind without a number, "
        "an unknown kind, a group given twice, or studies pooled on a primary study.",
        "Write each group as a number and a kind, separated by semicolons, such as "
        "`22 ME/CFS; 10 healthy controls`. Kinds: ME/CFS, healthy controls, "
        "other illness (name), studies pooled; or `no comparison group`.",
    ),
    Rule.SMALL_SAMPLE_MISMATCH: RuleHelp(
        "The 'Small Sample' flag and the number of people with ME/CFS disagree.",
        "Check the number. Below the threshold in `source/vocabulary.yaml` "
        "(`participants: small_sample_below`) add the flag; at or above it, remove it.",
    ),
    Rule.UNKNOWN_MEASURE: RuleHelp(
        "A finding's label names a measure that is not in the atlas vocabulary.",
        "Use a measure key the message suggests, or add the measure under `measures` in "
        "`source/vocabulary.yaml`.",
    ),
    Rule.UNKNOWN_DIRECTION: RuleHelp(
        "A finding's label gives a direction the atlas does not count.",
        "Write higher, lower, no difference or mixed after the colon, such as `[vo2-peak: lower]`.",
    ),
    Rule.NONSTANDARD_SPELLING: RuleHelp(
        "A finding's label or the participants are written in another spelling than the "
        "standard one.",
        "Write the spelling the message shows. `make fix` (or `.venv/bin/atlas check --fix`) "
        "does this.",
    ),
    Rule.RENAMED_TAG: RuleHelp(
        "A tag was renamed or merged into another; the page still uses its old key.",
        "Write the new key the message names. `make fix` (or `.venv/bin/atlas check --fix`) "
        "does this.",
    ),
    Rule.NO_AUTHORS_FORM: RuleHelp(
        "The authors are given as a word such as 'Unknown' or 'Anonymous', which would be "
        "cited as an author of that name, or '[No authors listed]' stands beside names.",
        "If the paper names no author, write `:authors: [No authors listed]` alone. "
        "`make fix` (or `.venv/bin/atlas check --fix`) does this.",
    ),
    Rule.BAD_ISBN: RuleHelp(
        "The ISBN is not 10 or 13 digits, or its last (check) digit does not fit the others.",
        "Copy the ISBN again from the book's page or its back cover, such as "
        "`:isbn: 978-0-309-31689-7`.",
    ),
    Rule.BAD_URL: RuleHelp(
        "A web address option does not hold a full web address.",
        "Write the whole address, starting with https://.",
    ),
    Rule.URL_WITHOUT_ARCHIVE: RuleHelp(
        "A paper is identified by its web address, but no archived copy is given (or an "
        "archived copy without the address).",
        "Save the page at https://web.archive.org and give both `:paper-url:` and `:archive-url:`.",
    ),
    Rule.CERTAINTY_WORDING: RuleHelp(
        "A finding uses GRADE's wording for a more certain result than the study's design and "
        "evidence level support.",
        "Use the phrase the message suggests, such as 'may result in' or 'the evidence is "
        "very uncertain about'.",
    ),
}


def markdown_table() -> str:
    """The rule table as CONTRIBUTING.md shows it."""
    rows = ["| Code | Kind | What it means | How to fix it |", "| --- | --- | --- | --- |"]
    for rule in Rule:
        entry = HELP[rule]
        rows.append(f"| {rule.code} | {rule.severity.value} | {entry.meaning} | {entry.fix} |")
    return "\n".join(rows) + "\n"

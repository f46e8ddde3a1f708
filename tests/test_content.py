"""The course teaches what the source article teaches, where it belongs, with its
evidence: checked against the built HTML as a reader sees it, and against the sources."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from cehcourse import bibliography
from cehcourse.course import load_course

ROOT = Path(__file__).resolve().parent.parent
COURSE = load_course(ROOT)
CHAPTERS = list(COURSE.catalogue.chapters)
BIB = ROOT / "references.bib"
SEED_PMIDS = ["25373811", "30561695", "29178511"]

# Each chapter's duty list (from the issue and the source article), as terms a reader
# must find in that chapter's text. Alternatives are separated by "|".
TAUGHT = {
    "what-is-ceh": [
        "ICHD-3", "11.2.1", "Cervicogenic Headache International Study Group|CHISG", "trigeminocervical",
        "0.17%", "4.1%", "17.8%", "lateral atlanto-axial", "third occipital nerve", "referred",
    ],
    "assessment": [
        "flexion-rotation test", "craniocervical flexion test", "91%", "90%", "diagnostic block",
        "SNNOOP10", "migraine", "tension-type", "occipital neuralgia", "hemicrania continua",
        "indomethacin", "dissection",
    ],
    "shared-decisions": [
        "active participant|partner", "option grid", "benefit", "harm", "uncertain", "burden",
        "not studied for cervicogenic headache",
    ],
    "physical-therapy": [
        "mobilisation|mobilization", "manipulation", "sternocleidomastoid", "trigger point",
        "deep cervical flexor", "craniocervical flexion", "high-velocity low-amplitude", "stroke",
        "dissection", "American Heart Association", "Cassidy", "sore", "Jull",
    ],
    "medications": [
        "pregabalin", "25373811", "duloxetine", "gabapentin", "tricyclic", "amitriptyline",
        "not studied for cervicogenic headache", "not prescribing advice", "renal|kidney",
    ],
    "procedures": [
        "lateral atlanto-axial", "C2-3", "third occipital nerve", "C3-4", "greater occipital nerve",
        "Naja", "radiofrequency", "dorsal root ganglion", "Stovner", "Haspeslagh", "coblation",
        "30561695", "glucocorticoid|corticosteroid", "nerve root", "radiculopathy",
        "occipital nerve stimulation", "29178511", "surgery", "imaging", "physical therapy",
    ],
    "complementary": ["dry needling", "sham", "Mousavi-Khatir"],
    "care-pathway": ["stepped", "escalat", "stop", "50%", "red flag", "referral|refer"],
}


def page_text(chapter: str, site: Path) -> str:
    html = (site / "book" / f"{chapter}.html").read_text(encoding="utf-8")
    main = html[html.find("<main"): html.find("</main>")]
    text = unescape(re.sub(r"<[^>]+>", " ", main))
    # Readers don't care whether a dash is a hyphen or an en dash.
    return re.sub(r"\s+", " ", re.sub(r"[‐‑‒–—]", "-", text)).replace("\u00a0", " ")


def test_every_chapter_has_a_duty_list() -> None:
    assert set(TAUGHT) == set(CHAPTERS)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_teaches_its_items(chapter: str, site: Path) -> None:
    text = page_text(chapter, site).lower()
    missing = [term for term in TAUGHT[chapter] if not any(alt.lower() in text for alt in term.split("|"))]
    assert not missing, f"book/{chapter}.html does not teach: {missing}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_opens_with_objectives_and_reading_time_and_closes_with_key_points_and_check(chapter: str, site: Path) -> None:
    page = (site / "book" / f"{chapter}.html").read_text(encoding="utf-8")
    html = page[page.find("<article"):]
    entry = COURSE.catalogue.chapters[chapter]
    intro = html.find('class="chapter-intro"')
    assert intro != -1, "no learning objectives / reading time box"
    assert f"about {entry.reading_minutes} minutes" in html
    assert html.count("<li>", intro, html.find("</aside>", intro)) == len(entry.objectives)
    first_section = html.find("<section", html.find("<h1"))
    assert first_section == -1 or intro < first_section, "objectives must come before the first section"
    assert re.search(r"<h2>Key points", html), "no Key points section"
    assert f'data-vignette="check-{chapter}"' in html, "no self-check quiz of its own"
    assert re.search(rf"<h1>{re.escape(entry.title)}", html), "page title differs from book/chapters.yaml"


TREATMENT_CHAPTERS = [c for c in CHAPTERS if c not in ("what-is-ceh", "assessment")]


@pytest.mark.parametrize("chapter", TREATMENT_CHAPTERS)
def test_every_treatment_chapter_marks_evidence(chapter: str, site: Path) -> None:
    html = (site / "book" / f"{chapter}.html").read_text(encoding="utf-8")
    assert 'class="evidence evidence-' in html


def test_every_image_has_alt_text(site: Path) -> None:
    missing = []
    for path in sorted(site.rglob("*.html")):
        for tag in re.findall(r"<img\b[^>]*>", path.read_text(encoding="utf-8")):
            alt = re.search(r'\balt="([^"]*)"', tag)
            if not alt or not alt.group(1).strip():
                missing.append(f"{path.relative_to(site)}: {tag[:120]}")
    assert not missing, "\n".join(missing)


def test_chapter_figures_are_present() -> None:
    for chapter in ("what-is-ceh", "care-pathway"):
        source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
        assert re.search(r"```\{figure\}[^\n]*\n(?::[^\n]*\n)*:alt: \S", source), f"{chapter} has no figure with alt text"


def cite_keys_in_sources() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in [ROOT / "index.md", *sorted((ROOT / "book").glob("*.md"))]:
        keys = set()
        for group in re.findall(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]+)`", path.read_text(encoding="utf-8")):
            keys.update(key.strip() for key in group.split(","))
        found[path.name] = keys
    return found


def test_every_cite_key_resolves() -> None:
    known = bibliography.keys(BIB)
    unknown = {name: sorted(keys - known) for name, keys in cite_keys_in_sources().items() if keys - known}
    assert not unknown, unknown


def test_every_chapter_cites_evidence() -> None:
    keys = cite_keys_in_sources()
    for chapter in CHAPTERS:
        assert len(keys[f"{chapter}.md"] - {"seed2022"}) >= 1, f"{chapter} cites no evidence beyond the source article"


def test_pmids_in_bibliography_are_well_formed() -> None:
    for key, entry in bibliography.load(BIB).entries.items():
        pmid = entry.fields.get("pmid")
        if pmid is not None:
            assert bibliography.PMID_PATTERN.match(str(pmid)), f"{key}: malformed PMID {pmid!r}"


def test_every_pmid_named_in_a_chapter_is_in_the_bibliography() -> None:
    known = {str(e.fields["pmid"]) for e in bibliography.load(BIB).entries.values() if "pmid" in e.fields}
    for path in [ROOT / "index.md", *sorted((ROOT / "book").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        named = set(re.findall(r"PMID:?\s*(\d+)", text)) | set(re.findall(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d+)", text))
        assert named <= known, f"{path.name} names PMIDs missing from references.bib: {sorted(named - known)}"


def test_seed_pmids_are_taught_and_linked_to_pubmed(site: Path) -> None:
    chapters = "".join((site / "book" / f"{c}.html").read_text(encoding="utf-8") for c in CHAPTERS)
    for pmid in SEED_PMIDS:
        assert f'href="https://pubmed.ncbi.nlm.nih.gov/{pmid}/"' in chapters, f"PMID {pmid} is not linked from a chapter"


def test_references_page_links_pmids_to_pubmed(site: Path) -> None:
    html = (site / "book" / "references.html").read_text(encoding="utf-8")
    for key, entry in bibliography.load(BIB).entries.items():
        if "pmid" in entry.fields:
            assert f"https://pubmed.ncbi.nlm.nih.gov/{entry.fields['pmid']}/" in html, f"{key}: PMID not linked"


def _index_terms(site: Path) -> set[str]:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    # An incremental build can leave a term with no pages: only terms that find a page count.
    return {term for table in ("terms", "titleterms") for term, pages in data[table].items() if pages != []}


def test_answers_and_explanations_stay_out_of_the_search_index(site: Path) -> None:
    """Words that occur only in the worked answers (explanations, teaching points) must not
    be searchable: a search would otherwise hand a student the answer."""
    import snowballstemmer

    from cehcourse.course import load_course

    course = load_course(ROOT)
    stem = snowballstemmer.stemmer("porter").stemWord
    words = lambda text: {stem(w) for w in re.findall(r"[a-z]+", text.lower())}  # noqa: E731
    visible = set()
    sources = [*(ROOT / "book").rglob("*.md"), *(ROOT / "exercises").glob("*.ipynb"), ROOT / "index.md", BIB,
               ROOT / "book" / "chapters.yaml"]
    for path in sources:
        visible |= words(path.read_text(encoding="utf-8"))
    answers = set()
    for case in course.cases.values():
        visible |= words(" ".join([case.title, case.summary] + [s.title + " " + s.narrative for s in case.stages]))
        for _, question in case.questions():
            visible |= words(question.stem)
            dumped = question.model_dump()
            options = dumped.get("options") or dumped.get("items") or []
            visible |= words(" ".join(option["text"] for option in options))
            answers |= words(" ".join([question.teaching_point, dumped.get("explanation", "")] + [o["explanation"] for o in options]))
    # Long words only: short ones are too likely to come from page furniture.
    only_in_answers = {w for w in answers - visible if len(w) >= 7}
    assert len(only_in_answers) > 20, "the check needs words that occur only in answers"
    leaked = sorted(only_in_answers & _index_terms(site))
    assert not leaked, f"answer-only words in the search index: {leaked[:20]}"

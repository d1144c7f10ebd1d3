"""The annex reads right to a legal adviser (issue 12): a page-1 summary, facts not instructions, no second
person, findings and intervals in words, no orphaned headings, tables split with their header, sign-off kept
with the last section. Every check reads the real PDF back with pypdf."""

from __future__ import annotations

import copy
import dataclasses
import re
from datetime import date, datetime

import pytest

from cstr_desk.domain.annex import build_annex, case_content_sha256, court_wording, interval_words
from cstr_desk.domain.case import Offence, SafeguardingAction, Unsuitability
from cstr_desk.domain.consent import ConsentRecord
from cstr_desk.domain.instruments import score_instrument
from cstr_desk.report.annex_pdf import render_annex
from tests.report.pdftext import body_text, pages, squash
from tests.unit.conftest import DEMOS, FORMS

# Words the app says to its user, or to the person; none may reach the court. Phrases are banned anywhere;
# imperative verbs at the start of a sentence or clause ("...: refer to the assistant psychologist").
INSTRUCTIONS = (
    "complete the full AUDIT", "before going on", "follow the safeguarding procedure", "consider asking",
    "confirm with", "still to set out", "please", "make sure", "remember to", "don't forget",
)
IMPERATIVE = re.compile(r"(?:^|[.;:!?]\s+)(refer|record|complete|enter|choose|check|ask|re-assess|follow|confirm|"
                        r"consider|tell|call|go|give|see|contact|add)\b", re.IGNORECASE)
SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself|yourselves)\b", re.IGNORECASE)
INTERNAL_ID = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")  # e.g. information_sharing, safeguarding_item9
AT = datetime(2026, 11, 23, 12, 30)


def render(case, final=False):
    return render_annex(build_annex(case, FORMS, final=final))


def page_bodies(pdf: bytes) -> list[str]:
    """Each page's text without the footer lines (case label, page number, status line) and the DRAFT marks."""
    footer = re.compile(r"^(.*Page \d+ of \d+|DRAFT · version .*|FINAL · version .*|DRAFT|"
                        r"(CRN \S+ · )?(Ref .* · )?Hearing \d\d/\d\d/\d{4}|Case \S+)$")
    out = []
    for text in pages(pdf):
        lines = [line for line in text.splitlines() if not footer.match(line.strip())]
        out.append("\n".join(lines))
    return out


# ------------------------------------------------------------------ cases that reach every wording path


def _replace_req(case, code, **changes):
    case.proposal.requirements = [dataclasses.replace(r, **changes) if r.requirement == code else r
                                  for r in case.proposal.requirements]


def variants():
    """The demos plus cases whose tests are not yet assessed, refused, withdrawn, or not proposed."""
    out = dict(DEMOS)
    c = copy.deepcopy(DEMOS["atr_only"])  # positive AUDIT-C, full AUDIT not done
    c.screening = [s for s in c.screening if s.instrument_id != "audit"]
    c.judgements = []
    out["audit_c_only"] = c
    c = copy.deepcopy(DEMOS["mhtr_only"])  # imprisonable not recorded; exclusions; open safeguarding flag
    c.offences = [dataclasses.replace(o, imprisonable=None) for o in c.offences]
    c.mental_health.exclusions = ["acute_crisis", "unable_to_engage", "secondary_care_severe"]
    c.safeguarding = []
    phq9 = FORMS.instruments["phq9"]
    result = score_instrument(phq9, {i.id: ("2" if i.id == "q9" else "1") for i in phq9.items})
    assert result.has_flag("safeguarding_item9")
    from cstr_desk.domain.case import record_screening
    c.screening.append(record_screening(phq9, dict(result.answers), by="Priya Shah", at=AT))
    out["unknowns_and_open_flag"] = c
    c = copy.deepcopy(DEMOS["drr_only"])  # DRR details missing, review interval 2 months
    _replace_req(c, "DRR", testing_arrangements="", practitioner="", review_interval_months=2)
    c.consents.append(ConsentRecord("willingness", "withdrawn", "willingness_drr", "1.0.0", "Jo Adeyemi", AT,
                                    requirement="DRR"))
    c.consents.append(ConsentRecord("assessment", "refused", "assessment", "1.0.0", "Jo Adeyemi", AT))
    out["drr_incomplete_withdrawn"] = c
    c = copy.deepcopy(DEMOS["atr_only"])  # eligible, not proposed
    c.proposal.requirements = []
    c.consents = [r for r in c.consents if r.kind != "willingness"]
    c.unsuitable.append(Unsuitability("ATR", "Starting residential work away from the area next month."))
    out["eligible_not_proposed"] = c
    return out


VARIANTS = variants()


@pytest.mark.parametrize("name", sorted(VARIANTS))
@pytest.mark.parametrize("final", [False, True])
def test_no_instruction_no_second_person_no_internal_id(name, final):
    text = " ".join(body_text(render(VARIANTS[name], final=final)).split())
    lowered = text.lower()
    for phrase in INSTRUCTIONS:
        assert phrase.lower() not in lowered, phrase
    assert not IMPERATIVE.search(text), text[max(0, IMPERATIVE.search(text).start() - 80):][:200]
    assert not SECOND_PERSON.search(text), SECOND_PERSON.search(text)
    assert not INTERNAL_ID.search(text), INTERNAL_ID.search(text)
    assert "month(s)" not in text and "Unknown" not in text


def test_court_wording_turns_every_known_instruction_into_a_fact():
    assert court_wording("AUDIT-C 7 (Positive screen): a positive screen; complete the full AUDIT.") == \
        "AUDIT-C 7 (Positive screen): a positive screen; the full AUDIT has not been completed."
    assert court_wording("Court review every 1 month(s), with a report.") == "Court review monthly, with a report."
    assert [interval_words(n) for n in (1, 2, 3, 12, 18, None)] == [
        "monthly", "every two months", "every three months", "every twelve months", "every 18 months",
        "at an interval not yet set"]


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_page_one_holds_the_summary_with_every_proposed_requirement(name):
    case = DEMOS[name]
    first = squash(page_bodies(render(case, final=True))[0])
    assert squash("Summary") in first and squash(case.person.full_name) in first
    for req in case.proposal.requirements:
        provider = FORMS.programme.provider(req.provider_id)
        for expected in (f"Proposed: {req.requirement}", f"{req.length_months} months", provider.name,
                         req.practitioner, f"{req.first_appointment_at:%A %d %B %Y, %H:%M}"):
            assert squash(expected) in first, expected
    # the summary comes before the evidence
    assert first.index(squash("Summary")) < first.index(squash("Screening and assessment")) \
        if squash("Screening and assessment") in first else True


def test_summary_gives_eligible_but_not_proposed_with_its_reason_on_page_one():
    first = squash(page_bodies(render(VARIANTS["eligible_not_proposed"]))[0])
    assert squash("Eligible, not proposed: ATR") in first
    assert squash("Starting residential work away from the area next month.") in first
    assert squash("No treatment requirement is proposed.") in first


def test_findings_read_met_not_met_not_yet_assessed():
    text = squash(body_text(render(VARIANTS["unknowns_and_open_flag"])))
    for word in ("Met", "Notmet", "Notyetassessed"):
        assert word in text
    assert "Unknown" not in text


def test_flags_are_facts_and_an_open_safeguarding_flag_is_stated():
    text = squash(body_text(render(DEMOS["mhtr_atr_womens_centre"])))
    assert squash("PHQ-9 item 9 answered 1 (several days): safeguarding action recorded (Priya Shah, "
                  "23 November 2026, 11:55): Risk assessed") in text
    assert squash("AUDIT-C total 9, 5 or more: a positive screen; the full AUDIT followed.") in text
    text = squash(body_text(render(VARIANTS["unknowns_and_open_flag"])))
    assert squash("PHQ-9 item 9 answered 2 (more than half the days): no safeguarding action is recorded.") in text
    assert squash("No safeguarding action is recorded for: PHQ-9 item 9.") in text


def test_consent_is_a_record_with_its_text_version():
    text = squash(body_text(render(DEMOS["mhtr_only"])))
    assert squash("Consented to screening and assessment, verbally, 23 November 2026, 09:40, recorded by Jo Adeyemi; "
                  "consent text version 1.0.0.") in text
    assert squash("Partners agreed: the Probation Service;") in text
    refused = squash(body_text(render(VARIANTS["drr_incomplete_withdrawn"])))
    assert squash("Refused consent to screening and assessment") in refused
    assert squash("Withdrew willingness to comply") in refused


def test_drr_review_interval_in_words():
    text = squash(body_text(render(DEMOS["drr_only"])))
    assert squash("Court review: monthly") in text and squash("Yes, monthly") in text
    text = squash(body_text(render(VARIANTS["drr_incomplete_withdrawn"])))
    assert squash("Yes, every two months") in text


def test_language_of_interview_and_interpreter():
    case = copy.deepcopy(DEMOS["drr_only"])
    assert squash("Language of interview not recorded") in squash(page_bodies(render(case))[0])
    case.person.interview_language = "Polish"
    case.person.interpreter_used = True
    first = squash(page_bodies(render(case))[0])
    assert squash("Polish; an interpreter was used (Polish)") in first
    case.person.interview_language, case.person.interpreter_used = "Welsh", False
    assert squash("Welsh; no interpreter was used") in squash(page_bodies(render(case))[0])


def test_explained_in_ordinary_language_printed_only_where_recorded():
    case = copy.deepcopy(DEMOS["mhtr_atr_womens_centre"])
    statement = "recorded that the requirement was explained in ordinary language"
    assert squash(statement) not in squash(body_text(render(case)))
    mhtr = next(n for n, r in enumerate(case.consents) if r.kind == "willingness" and r.requirement == "MHTR")
    case.consents[mhtr] = dataclasses.replace(case.consents[mhtr], explained_in_ordinary_language=True,
                                              explained_language="Welsh", language="cy")
    text = squash(body_text(render(case)))
    assert text.count(squash(statement)) == 1
    assert squash(f"Jo Adeyemi {statement}, in Welsh.") in text
    assert squash("consent text version 1.0.0, in Welsh.") in text


# ------------------------------------------------------------------ layout


def _headings(case):
    return build_annex(case, FORMS).headings()


def _padded(case, lines):
    case = copy.deepcopy(case)
    case.mental_health.formulation = "\n".join(f"Line {n} of a longer formulation, written on the day."
                                               for n in range(lines)) or case.mental_health.formulation
    return case


@pytest.mark.parametrize("name", sorted(DEMOS))
@pytest.mark.parametrize("lines", range(0, 48, 3))
def test_no_heading_is_the_last_text_on_a_page(name, lines):
    case = _padded(DEMOS[name], lines)
    headings = [squash(h) for h in _headings(case)]
    bodies = page_bodies(render(case))
    for number, page in enumerate(bodies[:-1], 1):
        tail = squash(page)
        for heading in headings:
            assert not tail.endswith(heading), f"page {number} ends with the heading '{heading}'"


@pytest.mark.parametrize("name", sorted(DEMOS))
@pytest.mark.parametrize("lines", range(0, 48, 3))
def test_sign_off_is_never_alone_on_the_last_page(name, lines):
    case = _padded(DEMOS[name], lines)
    last = page_bodies(render(case))[-1]
    before = squash(last).split(squash("Sign-off"))[0]
    assert squash("Sign-off") in squash(last)
    assert len(before) > 40, "the sign-off sits on a page of its own"


def test_long_table_splits_with_its_header_repeated():
    case = copy.deepcopy(DEMOS["mhtr_only"])
    case.offences = [Offence(f"Offence number {n}: theft from a shop", date(2026, 10, 1), True) for n in range(70)]
    bodies = page_bodies(render(case))
    holding = [n for n, page in enumerate(bodies) if "Offence number" in page]
    assert len(holding) >= 2
    for n in holding:
        assert squash("Offence Date Imprisonable") in squash(bodies[n])
    text = squash("".join(bodies))
    assert all(squash(f"Offence number {n}:") in text for n in range(70))


def test_final_footer_keeps_version_hash_and_label_and_bytes_repeat():
    case = copy.deepcopy(DEMOS["mhtr_atr_womens_centre"])
    case.safeguarding.append(SafeguardingAction("phq9:safeguarding_item9", "Noted.", "Priya Shah", AT))
    a, b = render(case, final=True), render(copy.deepcopy(case), final=True)
    assert a == b
    for page in pages(a):
        footer = page.splitlines()[-3:]
        assert any(f"FINAL · version 1 · content SHA-256 {case_content_sha256(case)}" in line for line in footer)
        assert any(line.startswith("CRN W112233 · Ref 44GH9988726") for line in footer)
        assert not any(case.person.family_name in line for line in footer)


@pytest.mark.parametrize("name", sorted(DEMOS))
@pytest.mark.parametrize("lines", range(0, 48, 6))
def test_a_table_row_that_fits_on_a_page_is_never_split_across_two(name, lines):
    case = _padded(DEMOS[name], lines)
    annex = build_annex(case, FORMS)
    bodies = [squash(page) for page in page_bodies(render_annex(annex))]
    for section in annex.sections:
        for block in section.blocks:
            rows = block.rows if hasattr(block, "rows") else getattr(block, "pairs", ())
            for row in rows:
                short = max(len(cell) for cell in row) < 400 and max(cell.count("\n") for cell in row) < 6
                if short and squash(row[-1]):  # a row that may be taller than a quarter page may split
                    assert any(squash(row[-1]) in page for page in bodies), (section.title, row[-1][:60])

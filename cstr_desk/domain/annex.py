"""What the PSR treatment-requirement annex says, built from a case as a plain data tree (no layout).

The annex is written for the court: it states facts, records and findings, in the third person. It never carries
the app's instructions to its user, nor text addressed to the person (tests/report keeps the list of phrases).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from cstr_desk.domain.case import (
    GENDERS,
    MH_EXCLUSIONS,
    REQUIREMENT_NAMES,
    WRAP_AROUND_NEEDS,
    Case,
    ProposedRequirement,
    Requirement,
    ScreeningResult,
)
from cstr_desk.domain.casefile import case_to_json
from cstr_desk.domain.consent import ConsentRecord, current_consent
from cstr_desk.domain.eligibility import Decision, combination_notes, decide
from cstr_desk.domain.forms import Forms
from cstr_desk.domain.instruments import Flag, Instrument
from cstr_desk.domain.pathway import FULL_AUDIT_FLAG
from cstr_desk.domain.rules import TREATMENT_KINDS

OUTCOME_TEXT = {
    "eligible": "Eligible",
    "not_eligible": "Not eligible",
    "needs_information": "Not yet decided: some tests not yet assessed",
    "eligible_unsuitable": "Eligible, not proposed",
}
STATUS_TEXT = {"met": "Met", "not_met": "Not met", "unknown": "Not yet assessed"}
ROLE_TEXT = {
    "duty_officer": "Duty probation officer",
    "assistant_psychologist": "Assistant psychologist",
    "administrator": "Administrator",
}
ORDER_TEXT = {"community_order": "Community order", "suspended_sentence_order": "Suspended sentence order"}
LANGUAGE_NAMES = {"en": "English", "cy": "Welsh"}
# Information-sharing partners named for the court (the consent text's descriptions are written to the person).
PARTNER_TEXT = {
    "probation": "the Probation Service",
    "treatment_provider": "the drug or alcohol treatment service",
    "psychology_service": "the psychology service",
    "link_worker": "the link-worker service",
    "court": "the court",
}
LAWFUL_BASIS = ("The information is shared on law-enforcement and public-task grounds under UK data protection law, "
                "not on consent. The person's agreement is recorded as well, because treatment depends on their "
                "engagement.")
NUMBER_WORDS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")

# Eligibility reasons are written for the app's user as well as the court. Where one tells the user what to do
# next, the annex states the same fact instead. tests/report fails on any instruction this table does not cover.
COURT_WORDING: tuple[tuple[str, str], ...] = (
    (r"; complete the full AUDIT\.", "; the full AUDIT has not been completed."),
    (r"; record whether the offence is imprisonable\.", "; whether the offence is imprisonable is not recorded."),
    (r"consider asking the court to adjourn for a secondary-care assessment",
     "the court may be asked to adjourn for a secondary-care assessment"),
    (r"re-assess when the person is able to engage; consider asking for an adjournment",
     "a re-assessment is needed when the person is able to engage, which may need an adjournment"),
    (r"^Still to set out: ", "Not yet set out: "),
    (r"confirm with the alcohol service", "not yet confirmed with the alcohol service"),
)


@dataclass(frozen=True)
class Text:
    text: str
    style: str = "body"  # body, note, strong (a sub-heading: kept with what follows)


@dataclass(frozen=True)
class Fields:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width


Block = Text | Fields | Table


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]
    boxed: bool = False  # the page-1 summary: drawn in a box


@dataclass(frozen=True)
class Annex:
    title: str
    status: str  # DRAFT or FINAL
    version: int
    content_sha256: str
    generated_at: datetime
    author: str
    author_role: str
    case_label: str  # identifies the case in the footer without the person's name
    sections: tuple[Section, ...] = field(default_factory=tuple)
    # The audit log's chain head when the annex was finalized: a printed annex anchors the log, so a log cut short
    # or recomputed afterwards no longer matches the paper.
    audit_head: str = ""

    @property
    def is_final(self) -> bool:
        return self.status == "FINAL"

    def headings(self) -> list[str]:
        """Every heading and sub-heading, in order (a heading must never be the last text on a page)."""
        found = []
        for section in self.sections:
            found.append(section.title)
            found += [b.text for b in section.blocks if isinstance(b, Text) and b.style == "strong"]
        return found


def case_content_sha256(case: Case) -> str:
    """The hash of the case content an annex is built from (canonical case-file JSON)."""
    return hashlib.sha256(case_to_json(case).encode("utf-8")).hexdigest()


def _d(value: object, fmt: str = "%d %B %Y") -> str:
    if value is None:
        return "Not recorded"
    return format(value, fmt)


def _dt(value: datetime | None) -> str:
    return _d(value, "%d %B %Y, %H:%M")


def _day_and_time(value: datetime | None) -> str:
    return _d(value, "%A %d %B %Y, %H:%M")


def _or(value: str, missing: str = "Not recorded") -> str:
    return value if value.strip() else missing


def court_wording(text: str) -> str:
    """A reason or note as a statement of fact for the court (see COURT_WORDING)."""
    for pattern, replacement in COURT_WORDING:
        text = re.sub(pattern, replacement, text)
    return re.sub(r"every (\d+) month\(s\)", lambda m: interval_words(int(m.group(1))), text)


def interval_words(months: int | None) -> str:
    """'monthly', 'every two months', ...: how often, in words."""
    if months is None:
        return "at an interval not yet set"
    if months == 1:
        return "monthly"
    return f"every {NUMBER_WORDS[months] if 0 < months < len(NUMBER_WORDS) else months} months"


def latest_activity(case: Case) -> datetime:
    """The latest moment recorded anywhere in the case: a reproducible 'as at' time for a draft."""
    moments = [case.created_at]
    moments += [c.obtained_at for c in case.consents]
    moments += [s.administered_at for s in case.screening]
    moments += [a.at for a in case.safeguarding]
    moments.append(case.mental_health.supervisor_consulted_at)
    found = [m for m in moments if m is not None]
    return max(found) if found else datetime(2000, 1, 1)


def case_label(case: Case) -> str:
    parts = []
    if case.identifiers.crn:
        parts.append(f"CRN {case.identifiers.crn}")
    if case.hearing.case_reference:
        parts.append(f"Ref {case.hearing.case_reference}")
    if case.hearing.hearing_date:
        parts.append(f"Hearing {case.hearing.hearing_date:%d/%m/%Y}")
    if not parts:
        parts.append(f"Case {case.case_id}")
    return " · ".join(parts)


def conviction_date(case: Case) -> date | None:
    """The date of conviction where the case records one, otherwise the hearing date (plea and sentence same day)."""
    return case.hearing.convicted_on


def requirement_name(code: str) -> str:
    return REQUIREMENT_NAMES[Requirement(code)] if code in set(Requirement) else code


def build_annex(
    case: Case,
    forms: Forms,
    *,
    final: bool = False,
    version: int = 1,
    generated_at: datetime | None = None,
    decisions: list[Decision] | None = None,
    audit_head: str = "",
) -> Annex:
    """The annex for a case. generated_at defaults to the case's last recorded activity, so output is reproducible."""
    decisions = decisions if decisions is not None else decide(case, forms.programme)
    when = generated_at or latest_activity(case)
    sections = (
        _summary(case, decisions, forms),
        _person_and_hearing(case),
        _screening(case, forms),
        _consent(case, forms),
        _decisions(case, decisions),
        _proposal(case, decisions, forms),
        _willingness(case),
        _needs(case, forms),
        _risk(case, forms),
        _sign_off(case, final, version, when),
    )
    return Annex(
        title="Treatment requirement annex to the pre-sentence report",
        status="FINAL" if final else "DRAFT",
        version=version,
        content_sha256=case_content_sha256(case),
        generated_at=when,
        author=case.author.name,
        author_role=ROLE_TEXT.get(case.author.role, case.author.role),
        case_label=case_label(case),
        sections=tuple(s for s in sections if s is not None),
        audit_head=audit_head,
    )


# ---------------------------------------------------------------- summary (page 1)


def _age_at_conviction(case: Case) -> str:
    day = conviction_date(case)
    age = case.person.age_on(day) if day else None
    return f"age {age} at conviction" if age is not None else "age at conviction not recorded"


def _practitioner_label(req: ProposedRequirement) -> str:
    return "Supervising practitioner" if req.requirement == "MHTR" else "Treatment director"


def _first_appointment(req: ProposedRequirement) -> str:
    if req.first_appointment_at is None:
        return "not yet booked"
    place = req.first_appointment_place.strip() or req.place.strip()
    return _day_and_time(req.first_appointment_at) + (f", {place}" if place else "")


def _language_line(case: Case) -> str:
    p = case.person
    language = p.interview_language.strip() or "Language of interview not recorded"
    if p.interpreter_used is True:
        interpreter = "an interpreter was used" + (f" ({p.interpreter_language.strip()})"
                                                    if p.interpreter_language.strip() else "")
    elif p.interpreter_used is False:
        interpreter = "no interpreter was used"
    elif p.interpreter_language.strip():
        interpreter = f"interpreter needed ({p.interpreter_language.strip()}); whether one was used is not recorded"
    else:
        interpreter = "interpreter use not recorded"
    return f"{language}; {interpreter}"


def _summary(case: Case, decisions: list[Decision], forms: Forms) -> Section:
    p, h = case.person, case.hearing
    born = f"born {p.date_of_birth:%d %B %Y}" if p.date_of_birth else "date of birth not recorded"
    hearing = ", ".join(x for x in (_or(h.court, "Court not recorded"), _d(h.hearing_date),
                                    f"ref {h.case_reference}" if h.case_reference.strip() else "",
                                    f"CRN {case.identifiers.crn}" if case.identifiers.crn.strip() else "") if x)
    pairs: list[tuple[str, str]] = [
        ("Person", f"{_or(p.full_name)}, {born}, {_age_at_conviction(case)}"),
        ("Hearing", hearing),
        ("Order being considered", _order_text(case)),
        ("Language of interview", _language_line(case)),
    ]
    if not case.proposal.requirements:
        pairs.append(("Proposed", "No treatment requirement is proposed."))
    for req in case.proposal.requirements:
        provider = forms.programme.provider(req.provider_id)
        length = f"{req.length_months} months" if req.length_months else "length not recorded"
        parts = [
            f"{requirement_name(req.requirement)}, {length}",
            "Provider: " + (provider.name if provider else _or(req.provider_id)),
            f"{_practitioner_label(req)}: {_or(req.practitioner)}",
            f"First appointment: {_first_appointment(req)}",
        ]
        if req.requirement == "DRR":
            parts.append("Court review: " + (interval_words(req.review_interval_months) if req.court_review else "none"))
        pairs.append((f"Proposed: {req.requirement}", ". ".join(parts) + "."))
    for d in decisions:
        if d.outcome == "eligible_unsuitable" and d.requirement not in case.proposal.proposed:
            pairs.append((f"Eligible, not proposed: {d.requirement}", _or(d.unsuitable_reason, "Reason not recorded")))
    return Section("Summary", (Fields(tuple(pairs)),), boxed=True)


# ---------------------------------------------------------------- the person and the hearing


def _order_text(case: Case) -> str:
    s = case.sentence
    order = ORDER_TEXT.get(s.order_type or "", "Not recorded")
    if s.order_type == "community_order" and s.order_length_months:
        order += f", {s.order_length_months} months"
    elif s.order_type == "suspended_sentence_order":
        bits = []
        if s.custodial_term_days:
            bits.append(f"custodial term {s.custodial_term_days} days")
        if s.operational_period_months:
            bits.append(f"operational period {s.operational_period_months} months")
        if s.supervision_period_months:
            bits.append(f"supervision period {s.supervision_period_months} months")
        if bits:
            order += " (" + ", ".join(bits) + ")"
    return order


def _person_and_hearing(case: Case) -> Section:
    p, h, ids = case.person, case.hearing, case.identifiers
    dob = _d(p.date_of_birth)
    if p.date_of_birth:
        dob += f" ({_age_at_conviction(case)})"
    interpreter = {True: "Used", False: "Not used", None: "Not recorded"}[p.interpreter_used]
    if p.interpreter_language.strip():
        interpreter += f" ({p.interpreter_language.strip()})" if p.interpreter_used is not False else \
            f" (needed for {p.interpreter_language.strip()})"
    pairs = [
        ("Name", _or(p.full_name)),
        ("Date of birth", dob),
        ("Gender", p.gender.replace("_", " ").capitalize() if p.gender in GENDERS else p.gender),
        ("Language of interview", _or(p.interview_language)),
        ("Interpreter", interpreter),
    ]
    if p.contact_needs.strip():
        pairs.append(("Communication needs", p.contact_needs))
    pairs += [
        ("Court", _or(h.court) + (" (Crown Court)" if h.court_type == "crown" else "")),
        ("Hearing date", _d(h.hearing_date)),
        ("Date of conviction", _d(h.convicted_on) + (" (taken as the hearing date)"
                                                     if h.conviction_date is None and h.convicted_on else "")),
        ("Case reference", _or(h.case_reference)),
        ("CRN", _or(ids.crn, "Not known")),
        ("PNC ID", _or(ids.pnc_id, "Not known")),
        ("Conviction", "Guilty plea" if h.stage == "guilty_plea" else "Found guilty"),
        ("Order being considered", _order_text(case)),
    ]
    from cstr_desk.domain.case import CUSTODY_LIKELIHOODS  # issue 13: custody in view, printed once recorded

    if case.custody.likelihood in CUSTODY_LIKELIHOODS:
        term = case.custody.indicated_term_days
        pairs.append(("Custody in view", CUSTODY_LIKELIHOODS[case.custody.likelihood]
                      + (f"; term indicated {term} days" if term else "")))
    blocks: list[Block] = [Fields(tuple(pairs))]
    if case.offences:
        rows = tuple(
            (o.description, _d(o.offence_date), {True: "Yes", False: "No", None: "Not recorded"}[o.imprisonable])
            for o in case.offences
        )
        blocks.append(Table(("Offence", "Date", "Imprisonable"), rows, (0.62, 0.22, 0.16)))
    return Section("The person and the hearing", tuple(blocks))


# ---------------------------------------------------------------- screening


def _answer_words(inst: Instrument, item_id: str, code: str) -> str:
    item = next((i for i in inst.items if i.id == item_id), None)
    option = next((o for o in item.options if o.code == code), None) if item else None
    if item is None or option is None:
        return code
    if {o.code for o in item.options} == {"yes", "no"}:
        return option.label.lower()
    return f"{option.score} ({option.label.lower()})" if option.label else str(option.score)


def _item_number(inst: Instrument, item_id: str) -> str:
    for n, item in enumerate(inst.items, 1):
        if item.id == item_id:
            return str(n)
    return item_id


def _flag_trigger(inst: Instrument, flag: Flag, result: ScreeningResult) -> str:
    if flag.total_min is not None:
        return f"{inst.short_title} total {result.total}, {flag.total_min} or more"
    ids = list(flag.items) or [i.id for i in inst.items]
    minimum = flag.min_score if flag.min_score is not None else 1
    reached = []
    for item_id in ids:
        code = result.answers.get(item_id)
        item = next((i for i in inst.items if i.id == item_id), None)
        option = next((o for o in item.options if o.code == code), None) if item else None
        if option is not None and option.score >= minimum:
            reached.append(item_id)
    if not reached:
        return f"{inst.short_title} flag raised"
    if len(reached) == 1:
        return (f"{inst.short_title} item {_item_number(inst, reached[0])} answered "
                f"{_answer_words(inst, reached[0], result.answers[reached[0]])}")
    numbers = [_item_number(inst, i) for i in reached]
    answers = {_answer_words(inst, i, result.answers[i]) for i in reached}
    how = f" answered {answers.pop()}" if len(answers) == 1 else " at or above the flag's score"
    return f"{inst.short_title} items {', '.join(numbers[:-1])} and {numbers[-1]}{how}"


def _flag_fact(case: Case, inst: Instrument, flag: Flag, result: ScreeningResult) -> str:
    trigger = _flag_trigger(inst, flag, result)
    if flag.kind == "safeguarding":
        actions = [a for a in case.safeguarding if a.flag == f"{inst.id}:{flag.id}" and a.action.strip()]
        if not actions:
            return f"{trigger}: no safeguarding action is recorded."
        a = actions[-1]
        by = f" ({a.by}, {_dt(a.at)})" if a.by.strip() else ""
        return f"{trigger}: safeguarding action recorded{by}: {a.action.strip()}"
    if flag.kind == "referral":
        assessor = case.mental_health.assessor.strip()
        done = f"; assessed by {assessor}" if assessor else "; no assessment recorded"
        return f"{trigger}: referred to the assistant psychologist{done}."
    if flag.id == FULL_AUDIT_FLAG:
        followed = case.latest_screening("audit") is not None
        return f"{trigger}: a positive screen; " + (
            "the full AUDIT followed." if followed else "the full AUDIT has not been completed.")
    return f"{trigger}: at or above the instrument's threshold for this flag."


def _screening(case: Case, forms: Forms) -> Section:
    rows = []
    for r in case.screening:
        inst = forms.instruments.get(r.instrument_id)
        name = inst.short_title if inst else r.instrument_id
        if r.complete and r.total is not None:
            result = f"{r.total}" + (f" of {inst.max_total}" if inst else "")
        elif r.complete:
            result = "Completed"
        else:
            result = f"Incomplete ({len(inst.items) - len(r.answers)} unanswered)" if inst else "Incomplete"
        facts: list[str] = []
        referrals: list[str] = []  # several referral flags lead to one referral: said once
        for flag_id in r.flags:
            flag = next((f for f in inst.flags if f.id == flag_id), None) if inst else None
            if inst and flag and flag.kind == "referral":
                referrals.append(_flag_trigger(inst, flag, r))
            else:
                facts.append(_flag_fact(case, inst, flag, r) if inst and flag else f"Flag '{flag_id}' raised.")
        if referrals:
            assessor = case.mental_health.assessor.strip()
            done = f"; assessed by {assessor}" if assessor else "; no assessment recorded"
            facts.insert(0, "; ".join(referrals) + f": referred to the assistant psychologist{done}.")
        band = r.band_label or ("" if r.complete else "Not scored")
        band = " ".join(x for x in (band + ("." if band and facts else ""), *facts) if x) or "No flags raised"
        rows.append((f"{name} (v{r.instrument_version})", result, band, _or(r.administered_by), _dt(r.administered_at)))
    blocks: list[Block] = []
    if rows:
        blocks.append(Table(("Instrument", "Result", "Band and flags", "By", "When"), tuple(rows),
                            (0.16, 0.11, 0.41, 0.15, 0.17)))
    else:
        blocks.append(Text("No screening was completed."))
    mh = case.mental_health
    if mh.assessor or mh.formulation or mh.exclusions:
        blocks.append(Text("Mental-health assessment", "strong"))
        pairs = [("Assessed by", _or(mh.assessor) + ", assistant psychologist"),
                 ("Supervising psychologist consulted", f"{_or(mh.supervisor_name)}, {_dt(mh.supervisor_consulted_at)}")]
        if mh.exclusions:
            pairs.append(("Primary-care exclusions", "; ".join(MH_EXCLUSIONS.get(e, e) for e in mh.exclusions)))
        pairs.append(("Formulation", _or(mh.formulation)))
        blocks.append(Fields(tuple(pairs)))
    su = case.substance_use
    if (su.drugs_used.strip() or su.treatment_provider_consulted.strip() or su.notes.strip()
            or su.regular_opiate_or_crack_use is not None):
        blocks.append(Text("Drug and alcohol use reported to the duty officer", "strong"))
        pairs = [("Drugs used", su.drugs_used)] if su.drugs_used.strip() else []
        if su.regular_opiate_or_crack_use is not None:
            pairs.append(("Regular opiate or crack use", "Yes" if su.regular_opiate_or_crack_use else "No"))
        if su.treatment_provider_consulted.strip():
            pairs.append(("Treatment provider consulted", su.treatment_provider_consulted))
        if su.notes.strip():
            pairs.append(("Notes", su.notes))
        blocks.append(Fields(tuple(pairs)))
    return Section("Screening and assessment", tuple(blocks))


# ---------------------------------------------------------------- consent


def _text_version(record: ConsentRecord) -> str:
    language = LANGUAGE_NAMES.get(record.language, record.language)
    return f"consent text version {record.text_version}" + (f", in {language}" if language else "")


def _method(record: ConsentRecord) -> str:
    return {"verbal": "verbally", "signed": "in writing (signed)"}.get(record.method, record.method)


def _consent_line(case: Case, kind: str, label: str, what: str) -> tuple[str, str]:
    record = current_consent(case.consents, kind)
    if record is None:
        return label, "Not asked; no record."
    verb = {"given": f"Consented to {what}", "refused": f"Refused consent to {what}",
            "withdrawn": f"Withdrew consent to {what}"}.get(record.status, record.status)
    line = f"{verb}, {_method(record)}, {_dt(record.obtained_at)}, recorded by {_or(record.obtained_by)}; " \
           f"{_text_version(record)}."
    if kind == "information_sharing" and record.partners and record.status == "given":
        line += " Partners agreed: " + "; ".join(PARTNER_TEXT.get(p, p) for p in record.partners) + "."
    return label, line


def _consent(case: Case, forms: Forms) -> Section:
    pairs = (
        _consent_line(case, "assessment", "Screening and assessment", "screening and assessment"),
        _consent_line(case, "information_sharing", "Information sharing", "information sharing"),
        ("Lawful basis for sharing", LAWFUL_BASIS),
    )
    return Section("Consent to assessment and information sharing", (Fields(pairs),))


# ---------------------------------------------------------------- eligibility


def _decisions(case: Case, decisions: list[Decision]) -> Section:
    blocks: list[Block] = []
    for d in decisions:
        name = REQUIREMENT_NAMES[Requirement(d.requirement)]
        blocks.append(Text(f"{name} ({d.requirement}): {OUTCOME_TEXT[d.outcome]}", "strong"))
        criteria = list(d.criteria)
        folded: list[str] = []
        if d.requirement not in case.proposal.proposed and d.outcome in ("not_eligible", "eligible_unsuitable"):
            # Tests about arrangements and consent are not pursued for a requirement that is not proposed.
            folded = [c.code for c in criteria if c.status == "unknown"]
            criteria = [c for c in criteria if c.status != "unknown"]
        rows = tuple((f"{c.code} {c.title}", STATUS_TEXT[c.status], court_wording(c.reason)) for c in criteria)
        if folded:
            rows += ((", ".join(folded), STATUS_TEXT["unknown"],
                      f"Not taken further: the {d.requirement} is not proposed."),)
        blocks.append(Table(("Test", "Finding", "Reason"), rows, (0.34, 0.14, 0.52)))
        for note in d.notes:
            blocks.append(Text(court_wording(note), "note"))
    return Section("Eligibility", tuple(blocks))


# ---------------------------------------------------------------- proposal


def _proposal(case: Case, decisions: list[Decision], forms: Forms) -> Section:
    proposal = case.proposal
    blocks: list[Block] = []
    if not proposal.requirements:
        blocks.append(Text("No treatment requirement is proposed."))
    for req in proposal.requirements:
        provider = forms.programme.provider(req.provider_id)
        kind = TREATMENT_KINDS.get(req.requirement, {}).get(req.treatment_kind, _or(req.treatment_kind))
        pairs = [
            ("Length", f"{req.length_months} months" if req.length_months else "Not recorded"),
            ("Treatment", kind),
            ("Provider", provider.name if provider else _or(req.provider_id)),
            ("Place", _or(req.place)),
            (_practitioner_label(req), _or(req.practitioner)),
            ("Capacity or place confirmed", "Yes" if req.capacity_confirmed else "No"),
            ("First appointment", _first_appointment(req)),
        ]
        if req.requirement == "DRR":
            pairs += [
                ("Recommended as suitable", "Yes, by the report writer" if req.officer_recommends else "Not recorded"),
                ("Testing", _or(req.testing_arrangements)),
                ("Attendance", _or(req.treatment_intervals, "Not applicable")),
                ("Court review", f"Yes, {interval_words(req.review_interval_months)}" if req.court_review else "No"),
            ]
        blocks.append(Text(f"{requirement_name(req.requirement)} ({req.requirement})", "strong"))
        blocks.append(Fields(tuple(pairs)))
    for note in combination_notes(case, decisions):
        blocks.append(Text(court_wording(note), "note"))
    if proposal.notes.strip():
        blocks.append(Text(proposal.notes))
    unsuitable = [d for d in decisions if d.outcome == "eligible_unsuitable" and d.requirement not in proposal.proposed]
    if unsuitable:
        blocks.append(Text("Eligible requirements not proposed", "strong"))
        for d in unsuitable:
            blocks.append(Text(f"{requirement_name(d.requirement)} ({d.requirement}): "
                               f"{_or(d.unsuitable_reason, 'reason not recorded')}"))
    return Section("Proposal", tuple(blocks))


def _willingness(case: Case) -> Section:
    pairs = []
    for req in case.proposal.proposed or []:
        record = current_consent(case.consents, "willingness", req)
        if record is None:
            pairs.append((req, "Not yet asked; no record."))
            continue
        verb = {"given": "Expressed willingness to comply", "refused": "Not willing to comply",
                "withdrawn": "Withdrew willingness to comply"}.get(record.status, "No valid answer recorded")  # a bad file
        line = (f"{verb}, {_method(record)}, {_dt(record.obtained_at)}, recorded by {_or(record.obtained_by)}; "
                f"{_text_version(record)}.")
        if record.explained_in_ordinary_language:
            language = record.explained_language.strip() or LANGUAGE_NAMES.get(record.language, "")
            line += (f" {_or(record.obtained_by, 'The officer')} recorded that the requirement was explained in "
                     f"ordinary language" + (f", in {language}." if language else "."))
        pairs.append((req, line))
    if not pairs:
        return Section("Willingness to comply", (Text("No requirement is proposed, so willingness was not asked."),))
    return Section("Willingness to comply", (Fields(tuple(pairs)),))


def _needs(case: Case, forms: Forms) -> Section:
    needs = case.needs
    listed = ", ".join(WRAP_AROUND_NEEDS.get(n, n) for n in needs.needs) or "None recorded"
    referral = ("Referred to " + (needs.link_worker_service or forms.programme.link_worker_service or "the link worker")
                if needs.link_worker_referral else "No referral")
    pairs = [("Needs", listed), ("Link-worker referral", referral)]
    if needs.notes.strip():
        pairs.append(("Notes", needs.notes))
    return Section("Wrap-around needs", (Fields(tuple(pairs)),))


def _flag_name(flag: str, forms: Forms) -> str:
    instrument_id, _, flag_id = flag.partition(":")
    inst = forms.instruments.get(instrument_id)
    if inst is None:
        return flag
    defined = next((f for f in inst.flags if f.id == flag_id), None)
    if defined is not None and len(defined.items) == 1:
        return f"{inst.short_title} item {_item_number(inst, defined.items[0])}"
    return inst.short_title


def _risk(case: Case, forms: Forms) -> Section:
    blocks: list[Block] = []
    if case.risk_notes.strip():
        blocks.append(Text(case.risk_notes))
    if case.mental_health.risk_notes.strip():
        blocks.append(Text("From the mental-health assessment", "strong"))
        blocks.append(Text(case.mental_health.risk_notes))
    if case.safeguarding:
        rows = tuple((_flag_name(a.flag, forms), a.action, _or(a.by), _dt(a.at)) for a in case.safeguarding)
        blocks.append(Text("Safeguarding actions recorded", "strong"))
        blocks.append(Table(("Raised by", "Action taken", "By", "When"), rows, (0.16, 0.50, 0.16, 0.18)))
    open_flags = case.open_safeguarding_flags()
    if open_flags:
        blocks.append(Text("No safeguarding action is recorded for: "
                           + ", ".join(_flag_name(f, forms) for f in open_flags) + ".", "body"))
    if not blocks:
        blocks.append(Text("No risk or safeguarding notes recorded."))
    return Section("Risk and safeguarding relevant to treatment", tuple(blocks))


def _sign_off(case: Case, final: bool, version: int, when: datetime) -> Section:
    pairs = (
        ("Author", _or(case.author.name)),
        ("Role", ROLE_TEXT.get(case.author.role, case.author.role)),
        ("Date and time", _dt(when)),
        ("Version", str(version)),
        ("Status", "FINAL" if final else "DRAFT: not for the court until finalised"),
    )
    return Section("Sign-off", (Fields(pairs),))

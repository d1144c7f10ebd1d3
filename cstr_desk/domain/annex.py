"""What the PSR treatment-requirement annex says, built from a case as a plain data tree (no layout)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from cstr_desk.domain.case import GENDERS, MH_EXCLUSIONS, REQUIREMENT_NAMES, WRAP_AROUND_NEEDS, Case, Requirement
from cstr_desk.domain.casefile import case_to_json
from cstr_desk.domain.consent import consent_state, current_consent
from cstr_desk.domain.eligibility import Decision, combination_notes, decide
from cstr_desk.domain.forms import Forms
from cstr_desk.domain.rules import TREATMENT_KINDS

OUTCOME_TEXT = {
    "eligible": "Eligible",
    "not_eligible": "Not eligible",
    "needs_information": "Needs information",
    "eligible_unsuitable": "Eligible, not proposed",
}
STATUS_TEXT = {"met": "Met", "not_met": "Not met", "unknown": "Unknown"}
ROLE_TEXT = {
    "duty_officer": "Duty probation officer",
    "assistant_psychologist": "Assistant psychologist",
    "administrator": "Administrator",
}
ORDER_TEXT = {"community_order": "Community order", "suspended_sentence_order": "Suspended sentence order"}


@dataclass(frozen=True)
class Text:
    text: str
    style: str = "body"  # body, note, strong


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

    @property
    def is_final(self) -> bool:
        return self.status == "FINAL"


def case_content_sha256(case: Case) -> str:
    """The hash of the case content an annex is built from (canonical case-file JSON)."""
    return hashlib.sha256(case_to_json(case).encode("utf-8")).hexdigest()


def _d(value: object, fmt: str = "%d %B %Y") -> str:
    if value is None:
        return "Not recorded"
    return format(value, fmt)


def _dt(value: datetime | None) -> str:
    return _d(value, "%d %B %Y, %H:%M")


def _or(value: str, missing: str = "Not recorded") -> str:
    return value if value.strip() else missing


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


def build_annex(
    case: Case,
    forms: Forms,
    *,
    final: bool = False,
    version: int = 1,
    generated_at: datetime | None = None,
    decisions: list[Decision] | None = None,
) -> Annex:
    """The annex for a case. generated_at defaults to the case's last recorded activity, so output is reproducible."""
    decisions = decisions if decisions is not None else decide(case, forms.programme)
    when = generated_at or latest_activity(case)
    sections = (
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
    )


def _person_and_hearing(case: Case) -> Section:
    p, h, ids = case.person, case.hearing, case.identifiers
    # Issue 11: the law keys eligibility to age when convicted (Sentencing Act 2020 s.202(1)(a)).
    convicted = h.convicted_on
    age = p.age_on(convicted) if convicted else None
    dob = _d(p.date_of_birth) + (f" (age {age} at conviction)" if age is not None else "")
    conviction = _d(convicted) + (" (taken as the hearing date)" if h.conviction_date is None and convicted else "")
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
    pairs = [
        ("Name", _or(p.full_name)),
        ("Date of birth", dob),
        ("Gender", p.gender.replace("_", " ").capitalize() if p.gender in GENDERS else p.gender),
    ]
    if p.interpreter_language.strip():
        pairs.append(("Interpreter", p.interpreter_language))
    if p.contact_needs.strip():
        pairs.append(("Communication needs", p.contact_needs))
    pairs += [
        ("Court", _or(h.court) + (" (Crown Court)" if h.court_type == "crown" else "")),
        ("Hearing date", _d(h.hearing_date)),
        ("Date of conviction", conviction),  # issue 11
        ("Case reference", _or(h.case_reference)),
        ("CRN", _or(ids.crn, "Not known")),
        ("PNC ID", _or(ids.pnc_id, "Not known")),
        ("Conviction", "Guilty plea" if h.stage == "guilty_plea" else "Found guilty"),
        ("Order being considered", order),
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
        flags = []
        for flag_id in r.flags:
            flag = next((f for f in inst.flags if f.id == flag_id), None) if inst else None
            flags.append(flag.message if flag else flag_id)
        band = r.band_label or ("" if r.complete else "Not scored")
        if flags:
            band = ". ".join(x for x in (band, " ".join(flags)) if x)
        band = band or "No flags"
        rows.append((f"{name} (v{r.instrument_version})", result, band, _or(r.administered_by), _dt(r.administered_at)))
    blocks: list[Block] = []
    if rows:
        blocks.append(Table(("Instrument", "Result", "Band and flags", "By", "When"), tuple(rows),
                            (0.17, 0.13, 0.36, 0.16, 0.18)))
    else:
        blocks.append(Text("No screening was completed."))
    mh = case.mental_health
    if mh.assessor or mh.formulation or mh.exclusions:
        pairs = [("Assessed by", _or(mh.assessor) + ", assistant psychologist"),
                 ("Supervising psychologist consulted", f"{_or(mh.supervisor_name)}, {_dt(mh.supervisor_consulted_at)}")]
        if mh.exclusions:
            pairs.append(("Primary-care exclusions", "; ".join(MH_EXCLUSIONS.get(e, e) for e in mh.exclusions)))
        blocks.append(Fields(tuple(pairs)))
        if mh.formulation.strip():
            blocks.append(Text("Formulation", "strong"))
            blocks.append(Text(mh.formulation))
    su = case.substance_use
    if su.drugs_used.strip() or su.treatment_provider_consulted.strip() or su.notes.strip():
        pairs = []
        if su.drugs_used.strip():
            pairs.append(("Drugs used", su.drugs_used))
        if su.regular_opiate_or_crack_use is not None:
            pairs.append(("Regular opiate or crack use", "Yes" if su.regular_opiate_or_crack_use else "No"))
        if su.treatment_provider_consulted.strip():
            pairs.append(("Treatment provider consulted", su.treatment_provider_consulted))
        if su.notes.strip():
            pairs.append(("Notes", su.notes))
        blocks.append(Fields(tuple(pairs)))
    return Section("Screening and assessment", tuple(blocks))


def _consent_line(case: Case, kind: str, label: str, forms: Forms) -> tuple[str, str]:
    record = current_consent(case.consents, kind)
    if record is None:
        return label, "Not yet asked"
    text = forms.consent_texts.get(record.text_id)
    version = f"text '{record.text_id}' v{record.text_version}"
    line = f"{record.status.capitalize()} ({record.method}), obtained by {record.obtained_by}, {_dt(record.obtained_at)}; {version}"
    if kind == "information_sharing" and record.partners and text is not None:
        names = dict(text.partners)
        line += ". Agreed partners: " + "; ".join(names.get(p, p) for p in record.partners)
    return label, line


def _consent(case: Case, forms: Forms) -> Section:
    pairs = (
        _consent_line(case, "assessment", "Screening and assessment", forms),
        _consent_line(case, "information_sharing", "Information sharing", forms),
    )
    blocks: list[Block] = [Fields(pairs)]
    sharing = forms.consent_texts.get("information_sharing")
    if sharing is not None and sharing.lawful_basis:
        blocks.append(Text(" ".join(sharing.lawful_basis.split()), "note"))
    return Section("Consent to assessment and information sharing", tuple(blocks))


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
        rows = tuple((f"{c.code} {c.title}", STATUS_TEXT[c.status], c.reason) for c in criteria)
        if folded:
            rows += ((", ".join(folded), STATUS_TEXT["unknown"],
                      f"Not taken further: the {d.requirement} is not proposed."),)
        blocks.append(Table(("Test", "Finding", "Reason"), rows, (0.34, 0.09, 0.57)))
        for note in d.notes:
            blocks.append(Text(note, "note"))
    unsuitable = [d for d in decisions if d.outcome == "eligible_unsuitable"]
    if unsuitable:
        blocks.append(Text("Eligible requirements not proposed", "strong"))
        for d in unsuitable:
            blocks.append(Text(f"{d.requirement}: {d.unsuitable_reason}"))
    return Section("Eligibility", tuple(blocks))


def _proposal(case: Case, decisions: list[Decision], forms: Forms) -> Section:
    proposal = case.proposal
    if not proposal.requirements:
        return Section("Proposal", (Text("No treatment requirement is proposed."),))
    blocks: list[Block] = []
    for req in proposal.requirements:
        provider = forms.programme.provider(req.provider_id)
        name = REQUIREMENT_NAMES.get(Requirement(req.requirement), req.requirement) if req.requirement in set(Requirement) else req.requirement
        kind = TREATMENT_KINDS.get(req.requirement, {}).get(req.treatment_kind, _or(req.treatment_kind))
        pairs = [
            ("Length", f"{req.length_months} months" if req.length_months else "Not recorded"),
            ("Treatment", kind),
            ("Provider", provider.name if provider else _or(req.provider_id)),
            ("Place", _or(req.place)),
            # issue 11: the statute's word for the DRR's and the ATR's supervising person (Schedule 9, paras 19, 23(2))
            ("Treatment director" if req.requirement in ("DRR", "ATR") else "Supervising practitioner", _or(req.practitioner)),
            ("Capacity or place confirmed", "Yes" if req.capacity_confirmed else "No"),
            ("First appointment", _dt(req.first_appointment_at)
             + (f", {req.first_appointment_place}" if req.first_appointment_place.strip() else "")),
        ]
        if req.requirement == "DRR":
            pairs += [
                ("Recommended as suitable", "Yes, by the report writer" if req.officer_recommends else "Not recorded"),
                ("Testing", _or(req.testing_arrangements)),
                ("Attendance", _or(req.treatment_intervals, "Not applicable")),
                ("Court review", f"Yes, every {req.review_interval_months} month(s)" if req.court_review else "No"),
            ]
        blocks.append(Text(f"{name} ({req.requirement})", "strong"))
        blocks.append(Fields(tuple(pairs)))
    for note in combination_notes(case, decisions):
        blocks.append(Text(note, "note"))
    if proposal.notes.strip():
        blocks.append(Text(proposal.notes))
    return Section("Proposal", tuple(blocks))


def _willingness(case: Case) -> Section:
    pairs = []
    for req in case.proposal.proposed or []:
        record = current_consent(case.consents, "willingness", req)
        state = consent_state(case.consents, "willingness", req)
        if record is None:
            pairs.append((req, "Not yet asked"))
            continue
        verb = {"given": "Willing to comply", "refused": "Not willing to comply",
                "withdrawn": "Withdrew willingness to comply"}[state]
        pairs.append((req, (f"{verb} ({record.method}), recorded by {record.obtained_by}, {_dt(record.obtained_at)}; "
                           f"text v{record.text_version}")))
    if not pairs:
        return Section("Willingness to comply", (Text("No requirement is proposed, so willingness was not asked."),))
    return Section("Willingness to comply", (
        Text("Each requirement was explained in ordinary language before the person was asked.", "note"),
        Fields(tuple(pairs)),
    ))


def _needs(case: Case, forms: Forms) -> Section:
    needs = case.needs
    listed = ", ".join(WRAP_AROUND_NEEDS.get(n, n) for n in needs.needs) or "None recorded"
    referral = ("Referred to " + (needs.link_worker_service or forms.programme.link_worker_service or "the link worker")
                if needs.link_worker_referral else "No referral")
    pairs = [("Needs", listed), ("Link-worker referral", referral)]
    if needs.notes.strip():
        pairs.append(("Notes", needs.notes))
    return Section("Wrap-around needs", (Fields(tuple(pairs)),))


def _instrument_name(instrument_id: str, forms: Forms) -> str:
    inst = forms.instruments.get(instrument_id)
    return inst.short_title if inst else instrument_id


def _risk(case: Case, forms: Forms) -> Section:
    blocks: list[Block] = []
    if case.risk_notes.strip():
        blocks.append(Text(case.risk_notes))
    if case.mental_health.risk_notes.strip():
        blocks.append(Text("From the mental-health assessment", "strong"))
        blocks.append(Text(case.mental_health.risk_notes))
    if case.safeguarding:
        rows = tuple((_instrument_name(a.flag.split(":")[0], forms), a.action, _or(a.by), _dt(a.at)) for a in case.safeguarding)
        blocks.append(Table(("Raised by", "Action taken", "By", "When"), rows, (0.16, 0.50, 0.16, 0.18)))
    open_flags = case.open_safeguarding_flags()
    if open_flags:
        blocks.append(Text("Safeguarding flags without a recorded action: " + ", ".join(open_flags), "strong"))
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

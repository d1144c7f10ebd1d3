"""Builds the fictional demo cases in resources/demo/ from the instruments, so their stored scores are right.

Regenerate after changing an instrument or the case schema:  python -m tests.demo_cases --write
"""

from __future__ import annotations

import sys
from datetime import date, datetime

from cstr_desk.domain.case import (
    Author,
    Case,
    Hearing,
    Identifiers,
    Judgement,
    MentalHealthAssessment,
    Offence,
    Person,
    Proposal,
    ProposedRequirement,
    SafeguardingAction,
    SentenceConsidered,
    SubstanceUse,
    WrapAroundNeeds,
    record_screening,
)
from cstr_desk.domain.casefile import case_to_json
from cstr_desk.domain.consent import ConsentRecord
from cstr_desk.domain.forms import Forms, load_forms
from cstr_desk.domain.identifiers import pnc_check_letter
from cstr_desk.paths import forms_dir, resources_dir

DAY = date(2026, 11, 23)
OFFICER = "Jo Adeyemi"
PSYCHOLOGIST = "Priya Shah"
COURT = "Milton Keynes Magistrates' Court"


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def pnc(year: int, serial: int) -> str:
    return f"{year}/{serial:07d}{pnc_check_letter(year, serial)}"


def answers(forms: Forms, inst_id: str, codes: str) -> dict[str, str | None]:
    inst = forms.instruments[inst_id]
    values = codes.split(",")
    assert len(values) == len(inst.items), inst_id
    return {item.id: v for item, v in zip(inst.items, values)}


def screen(forms: Forms, inst_id: str, codes: str, by: str, hour: int, minute: int = 0):
    return record_screening(forms.instruments[inst_id], answers(forms, inst_id, codes), by=by, at=at(hour, minute))


def consents(forms: Forms, requirements: list[str], partners: list[str]) -> list[ConsentRecord]:
    def version(text_id: str) -> str:
        return forms.consent_texts[text_id].version

    records = [
        ConsentRecord("assessment", "given", "assessment", version("assessment"), OFFICER, at(9, 40), "verbal"),
        ConsentRecord("information_sharing", "given", "information_sharing", version("information_sharing"), OFFICER,
                      at(9, 42), "signed", partners=partners),
    ]
    for n, req in enumerate(requirements):
        text_id = f"willingness_{req.lower()}"
        records.append(ConsentRecord("willingness", "given", text_id, version(text_id), OFFICER,
                                     at(13, 10 + n), "signed", requirement=req))
    return records


def mhtr_only(forms: Forms) -> Case:
    return Case(
        case_id="demo-mhtr-only",
        created_at=at(9, 30),
        author=Author(OFFICER, "duty_officer"),
        person=Person("Dafydd", "Llŷr", date(1991, 4, 12), "male", "", "Prefers to be spoken to in Welsh or English"),
        hearing=Hearing(COURT, "magistrates", DAY, "44GH1234526", "guilty_plea"),
        identifiers=Identifiers("X123456", pnc(2012, 345678)),
        offences=[Offence("Criminal damage to a bus shelter (under £5,000)", date(2026, 10, 2), True)],
        sentence=SentenceConsidered("community_order", 12),
        consents=consents(forms, ["MHTR"], ["probation", "psychology_service", "link_worker", "court"]),
        screening=[
            screen(forms, "audit_c", "1,0,0", OFFICER, 10, 0),
            screen(forms, "dast10", "no,no,yes,no,no,no,no,no,no,no", OFFICER, 10, 5),
            screen(forms, "mh_screen", "yes,no,no,no,no,no,yes,2,2,2,2", OFFICER, 10, 10),
            screen(forms, "phq9", "2,2,2,2,1,2,1,2,0", PSYCHOLOGIST, 11, 15),
            screen(forms, "gad7", "2,2,2,2,1,2,1", PSYCHOLOGIST, 11, 25),
        ],
        substance_use=SubstanceUse(False, "", "", ""),
        mental_health=MentalHealthAssessment(
            PSYCHOLOGIST, "Dr A. Example", at(11, 40), [], False,
            "Low mood and worry since losing his job and flat in the summer; poor sleep; no psychotic features. "
            "Likely to engage with a structured course of sessions for depression and anxiety.",
            "No current risk to self or others identified today.",
        ),
        judgements=[
            Judgement("M1", "met", "Depression and anxiety of moderate severity (PHQ-9 14, GAD-7 12) since losing his "
                                   "job and flat; agreed with the supervising psychologist that they require and may be "
                                   "susceptible to a structured course of primary-care sessions.",
                      PSYCHOLOGIST, "assistant_psychologist"),
        ],
        needs=WrapAroundNeeds(["housing", "employment"], "Sofa-surfing with a friend since August.", True,
                              forms.programme.link_worker_service),
        proposal=Proposal(
            [ProposedRequirement("MHTR", 6, "practitioner", "mk_primary_psychology",
                                 forms.programme.provider("mk_primary_psychology").place,
                                 "Dr A. Example, Clinical Psychologist (HCPC registered)", True, at(10, 0, date(2026, 11, 30)),
                                 "Probation Office, 1 Example Way, Milton Keynes")],
        ),
        wizard_step="review",
    )


def drr_only(forms: Forms) -> Case:
    return Case(
        case_id="demo-drr-only",
        created_at=at(9, 15),
        author=Author(OFFICER, "duty_officer"),
        person=Person("Tomasz", "Łukaszewski", date(1986, 9, 2), "male", "Polish", ""),
        hearing=Hearing(COURT, "magistrates", DAY, "44GH7654326", "guilty_plea"),
        identifiers=Identifiers("K654321", pnc(2005, 123456)),
        offences=[
            Offence("Theft from a shop (three offences, food and razors)", date(2026, 10, 20), True),
            Offence("Failing to surrender to custody", date(2026, 11, 2), True),
        ],
        sentence=SentenceConsidered("suspended_sentence_order", None, 120, 18, 18),
        consents=consents(forms, ["DRR"], ["probation", "treatment_provider", "court"]),
        screening=[
            screen(forms, "audit_c", "1,1,0", OFFICER, 10, 0),
            screen(forms, "dast10", "yes,yes,no,yes,yes,yes,no,yes,yes,no", OFFICER, 10, 10),
            screen(forms, "mh_screen", "no,no,no,no,no,no,no,0,1,0,1", OFFICER, 10, 20),
        ],
        substance_use=SubstanceUse(True, "Heroin daily, crack cocaine at weekends", "Community Drug and Alcohol Service",
                                   "Previously on opiate substitute treatment in 2023; wants to restart."),
        judgements=[
            Judgement("D1", "met", "DAST-10 8 and daily heroin use with crack cocaine at weekends, confirmed with the "
                                   "Community Drug and Alcohol Service: dependent on opiates.", OFFICER, "duty_officer",
                      "heroin (diamorphine) and crack cocaine, both Class A"),
            Judgement("D2", "met", "Assessed today with the Community Drug and Alcohol Service: motivated to stop, "
                                   "engaged well with substitute prescribing before; treatment place available.",
                      OFFICER, "duty_officer"),
        ],
        needs=WrapAroundNeeds(["finance"], "Rent arrears of about £900.", True, forms.programme.link_worker_service),
        proposal=Proposal(
            [ProposedRequirement("DRR", 18, "non_residential", "mk_drug_alcohol",
                                 forms.programme.provider("mk_drug_alcohol").place,
                                 "Treatment Director, Community Drug and Alcohol Service", True,
                                 at(9, 30, date(2026, 11, 24)), "Recovery Hub, 3 Example Street, Milton Keynes",
                                 True, "Oral fluid or urine samples as directed by the treatment director, at least weekly",
                                 "twice a week for the first 12 weeks, then weekly", True, 1)],
        ),
        wizard_step="review",
    )


def atr_only(forms: Forms) -> Case:
    return Case(
        case_id="demo-atr-only",
        created_at=at(9, 5),
        author=Author(OFFICER, "duty_officer"),
        person=Person("Andrei", "Ștefănescu", date(1979, 1, 20), "male", "Romanian", ""),
        hearing=Hearing(COURT, "magistrates", DAY, "44GH2233426", "guilty_plea"),
        identifiers=Identifiers("R246810", ""),
        offences=[Offence("Driving with excess alcohol (second offence in ten years)", date(2026, 9, 14), True)],
        sentence=SentenceConsidered("community_order", 12),
        consents=consents(forms, ["ATR"], ["probation", "treatment_provider", "court"]),
        screening=[
            screen(forms, "audit_c", "4,3,4", OFFICER, 9, 50),
            screen(forms, "audit", "4,3,4,3,2,3,2,2,2,4", OFFICER, 10, 0),
            screen(forms, "dast10", "no,no,yes,no,no,no,no,no,no,no", OFFICER, 10, 10),
            screen(forms, "mh_screen", "no,no,no,no,no,no,no,0,0,1,0", OFFICER, 10, 15),
        ],
        substance_use=SubstanceUse(False, "", "Community Drug and Alcohol Service", ""),
        judgements=[
            Judgement("A1", "met", "AUDIT 29 with daily drinking and morning shakes; the Community Drug and Alcohol "
                                   "Service confirms dependence on alcohol.", OFFICER, "duty_officer"),
            Judgement("A2", "met", "Drinks daily, shakes in the morning, asks for help; the alcohol service agrees "
                                   "he may be susceptible to community treatment.", OFFICER, "duty_officer"),
        ],
        proposal=Proposal(
            [ProposedRequirement("ATR", 9, "practitioner", "mk_drug_alcohol",
                                 forms.programme.provider("mk_drug_alcohol").place,
                                 "Alcohol Lead Practitioner, Community Drug and Alcohol Service", True,
                                 at(14, 0, date(2026, 11, 26)), "Recovery Hub, 3 Example Street, Milton Keynes")],
        ),
        wizard_step="review",
    )


def combined_womens_centre(forms: Forms) -> Case:
    centre = forms.programme.provider("mk_womens_centre")
    return Case(
        case_id="demo-mhtr-atr-women",
        created_at=at(9, 0),
        author=Author(OFFICER, "duty_officer"),
        person=Person("Siân", "O'Neill", date(1995, 6, 30), "female", "", "Dyslexia: read documents aloud"),
        hearing=Hearing(COURT, "magistrates", DAY, "44GH9988726", "found_guilty"),
        identifiers=Identifiers("W112233", pnc(2014, 98765)),
        offences=[Offence("Assault by beating of an emergency worker", date(2026, 8, 30), True)],
        sentence=SentenceConsidered("community_order", 12),
        consents=consents(forms, ["MHTR", "ATR"], ["probation", "treatment_provider", "psychology_service", "link_worker", "court"]),
        screening=[
            screen(forms, "audit_c", "4,2,3", OFFICER, 9, 50),
            screen(forms, "audit", "4,2,3,2,2,2,3,2,0,4", OFFICER, 10, 0),
            screen(forms, "dast10", "no,no,yes,no,no,no,no,no,no,no", OFFICER, 10, 10),
            screen(forms, "mh_screen", "yes,yes,no,yes,no,no,yes,2,3,2,3", OFFICER, 10, 15),
            screen(forms, "phq9", "2,3,2,2,2,2,2,1,1", PSYCHOLOGIST, 11, 20),
            screen(forms, "gad7", "2,3,2,2,2,2,2", PSYCHOLOGIST, 11, 30),
        ],
        substance_use=SubstanceUse(False, "", "Women's Centre substance-use worker", ""),
        mental_health=MentalHealthAssessment(
            PSYCHOLOGIST, "Dr B. Example", at(11, 50), [], False,
            "Long-standing low mood and anxiety after domestic abuse; drinking to cope and to sleep. Under her GP "
            "for antidepressants, never under secondary care. Wants help and prefers a women-only service.",
            "Passive thoughts of being better off dead in the last two weeks, no plan or intent; protective "
            "factors: her children and her sister.",
        ),
        judgements=[
            Judgement("M1", "met", "Long-standing depression and anxiety (PHQ-9 17, GAD-7 15) after domestic abuse, "
                                   "below the threshold for secondary care; agreed with the supervising psychologist "
                                   "that they require and may be susceptible to treatment.",
                      PSYCHOLOGIST, "assistant_psychologist"),
            Judgement("A1", "met", "AUDIT 24 with morning drinking and failed attempts to cut down; the Women's Centre "
                                   "substance-use worker confirms dependence on alcohol.", OFFICER, "duty_officer"),
            Judgement("A2", "met", "Daily drinking with morning drinking and failed attempts to cut down; "
                                   "wants support and the Women's Centre can start this week.", OFFICER, "duty_officer"),
        ],
        safeguarding=[
            SafeguardingAction("mh_screen:safeguarding_self_harm", "Referred to the assistant psychologist the same morning; "
                                                                   "safety plan agreed.", OFFICER, at(10, 20)),
            SafeguardingAction("phq9:safeguarding_item9", "Risk assessed with the supervising psychologist: no plan or "
                                                          "intent; GP informed with consent; crisis line numbers given.",
                               PSYCHOLOGIST, at(11, 55)),
        ],
        needs=WrapAroundNeeds(["housing", "relationships", "family"],
                              "Living in a refuge with two children; social worker involved.", True,
                              forms.programme.link_worker_service),
        proposal=Proposal(
            [
                ProposedRequirement("MHTR", 6, "practitioner", centre.id, centre.place,
                                    "Dr B. Example, Clinical Psychologist (HCPC registered)", True,
                                    at(10, 0, date(2026, 11, 27)), "Women's Centre, 4 Example Place, Milton Keynes"),
                ProposedRequirement("ATR", 6, "practitioner", centre.id, centre.place,
                                    "Substance-use lead, Women's Centre", True,
                                    at(11, 0, date(2026, 11, 27)), "Women's Centre, 4 Example Place, Milton Keynes"),
            ],
            sequencing="concurrent",
            notes="Both requirements are delivered at the Women's Centre, so she has one place to go.",
        ),
        risk_notes="Appointments to be arranged around school hours. Do not share the refuge address.",
        wizard_step="review",
    )


BUILDERS = {
    "mhtr_only": mhtr_only,
    "drr_only": drr_only,
    "atr_only": atr_only,
    "mhtr_atr_womens_centre": combined_womens_centre,
}


def build_all(forms: Forms) -> dict[str, Case]:
    return {name: build(forms) for name, build in BUILDERS.items()}


if __name__ == "__main__":
    forms = load_forms(forms_dir())
    if "--write" in sys.argv:
        for name, case in build_all(forms).items():
            (resources_dir() / "demo" / f"{name}.json").write_text(case_to_json(case), encoding="utf-8")
            print("wrote", name)

"""The audit's deterministic rules, one by one."""

import pytest

from ai_receptionist.services.knowledge_base import build_knowledge_base
from ai_receptionist.services.voice.audit_rules import open_days, run_rules


def kb(*, hours=None, description=None, faqs=()):
    faq_dicts = [{"question": q, "answer": a} for q, a in faqs]
    return build_knowledge_base(
        business_name="Acme", business_hours=hours, description=description, faqs=faq_dicts
    )


@pytest.mark.parametrize(
    ("hours", "days"),
    [
        ("Monday-Friday, 12:00 PM - 10:00 PM", {0, 1, 2, 3, 4}),
        ("Mon–Sat 9-5, closed Sunday", {0, 1, 2, 3, 4, 5}),
        ("Fri to Mon, 10am-4pm", {4, 5, 6, 0}),
        ("Tues, Thurs and Saturdays", {1, 3, 5}),
        ("Weekdays 8-6; weekends by appointment", {0, 1, 2, 3, 4, 5, 6}),
        ("Mon-Fri 9-5. Closed weekends", {0, 1, 2, 3, 4}),
        ("Open daily 7am-7pm", set(range(7))),
        ("9am to 5pm", None),
    ],
)
def test_open_days_reads_common_hour_formats(hours, days):
    assert open_days(hours) == days


def test_rules_clean_knowledge_base_has_no_findings():
    faqs = [("Open Monday?", "Yes, we are open on Monday.")]
    base = kb(hours="Mon-Fri 9-5", description="Family bakery.", faqs=faqs)

    assert run_rules(base, blocked=("guaranteed results",)) == []


def test_rules_blocked_phrase_found_case_insensitively_in_any_passage():
    base = kb(description="Guaranteed RESULTS!", faqs=[("Is it risk-free?", "Yes")])

    findings = run_rules(base, blocked=("guaranteed results", "risk-free"))

    assert findings == [
        "description: contains blocked phrase 'guaranteed results'",
        "faq 1 question: contains blocked phrase 'risk-free'",
    ]


def test_rules_blank_faq_text_fails():
    findings = run_rules(kb(faqs=[("   ", "Answer"), ("Question", "\n\t")]), blocked=())

    assert findings == ["faq 1 question: is blank", "faq 2 answer: is blank"]


def test_rules_duplicate_questions_fail_after_normalisation():
    findings = run_rules(kb(faqs=[("Do you  park?", "Yes"), ("do you park?", "Also yes")]), blocked=())

    assert findings == ["faq 2 question: repeats faq 1"]


def test_rules_round_the_clock_answer_contradicting_hours_fails():
    base = kb(hours="Mon-Fri 9-5", faqs=[("When?", "We are open 24/7.")])

    assert run_rules(base, blocked=()) == ["faq 1 answer: claims round-the-clock service, hours are 'Mon-Fri 9-5'"]


def test_rules_round_the_clock_answer_matching_hours_passes():
    base = kb(hours="Open 24 hours, every day", faqs=[("When?", "Around the clock.")])

    assert run_rules(base, blocked=()) == []


def test_rules_open_day_claim_outside_hours_fails():
    base = kb(hours="Mon-Fri 9-5", description="We are open on Sundays.", faqs=[("Weekend?", "Open weekends too")])

    assert run_rules(base, blocked=()) == [
        "description: says open on Sunday, hours say closed",
        "faq 1 answer: says open on Saturday, hours say closed",
        "faq 1 answer: says open on Sunday, hours say closed",
    ]


def test_rules_open_day_claim_without_hours_passes():
    assert run_rules(kb(description="Open on Sunday."), blocked=()) == []

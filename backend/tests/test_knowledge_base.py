"""The knowledge base the auditor checks and the voice agent reads."""

from ai_receptionist.services.knowledge_base import build_knowledge_base, normalise_question


def test_build_knowledge_base_keeps_faq_order_and_text():
    faqs = [{"question": " B? ", "answer": "b"}, {"question": "A?", "answer": "a "}]

    kb = build_knowledge_base(business_name="Acme", faqs=faqs)

    assert kb.faqs == ((" B? ", "b"), ("A?", "a "))
    assert [p.source for p in kb.passages()] == ["faq 1 question", "faq 1 answer", "faq 2 question", "faq 2 answer"]


def test_passages_skip_blank_description_and_answers_exclude_questions():
    kb = build_knowledge_base(business_name="Acme", description="  ", faqs=[{"question": "Q", "answer": "A"}])

    assert [p.source for p in kb.passages()] == ["faq 1 question", "faq 1 answer"]
    assert [p.text for p in kb.answers()] == ["A"]


def test_to_prompt_lists_everything_the_agent_may_say():
    kb = build_knowledge_base(
        business_name="Acme", business_hours="Mon-Fri", description="Bakery.",
        faqs=[{"question": "Parking?", "answer": "Behind the shop."}],
    )

    assert kb.to_prompt() == "Business: Acme\nHours: Mon-Fri\nAbout: Bakery.\nQ: Parking?\nA: Behind the shop."


def test_to_prompt_without_optional_fields_names_business_only():
    assert build_knowledge_base(business_name="Acme").to_prompt() == "Business: Acme"


def test_normalise_question_folds_case_and_spaces():
    assert normalise_question("  Do You\tPARK? ") == normalise_question("do you park?") == "do you park?"

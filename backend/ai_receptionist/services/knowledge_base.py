"""The receptionist's knowledge base: what the voice agent may tell callers.

Built from the business's settings (name, hours, description, FAQs). The auditor checks
the passages of this knowledge base, and `to_prompt()` is the text given to the agent.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    """One piece of text the agent may say, with where it came from (for audit findings)."""

    source: str  # "description" or "faq N" (1-based)
    text: str


@dataclass(frozen=True)
class KnowledgeBase:
    business_name: str
    business_hours: str | None
    description: str | None
    faqs: tuple[tuple[str, str], ...]

    def passages(self) -> list[Passage]:
        found = []
        if self.description and self.description.strip():
            found.append(Passage("description", self.description))
        for number, (question, answer) in enumerate(self.faqs, start=1):
            found.append(Passage(f"faq {number} question", question))
            found.append(Passage(f"faq {number} answer", answer))
        return found

    def answers(self) -> list[Passage]:
        """Statements made to callers: the description and every FAQ answer."""
        return [p for p in self.passages() if not p.source.endswith("question")]

    def to_prompt(self) -> str:
        lines = [f"Business: {self.business_name}"]
        if self.business_hours:
            lines.append(f"Hours: {self.business_hours}")
        if self.description and self.description.strip():
            lines.append(f"About: {self.description}")
        for question, answer in self.faqs:
            lines.append(f"Q: {question}")
            lines.append(f"A: {answer}")
        return "\n".join(lines)


def build_knowledge_base(
    *,
    business_name: str,
    business_hours: str | None = None,
    description: str | None = None,
    faqs: list[dict[str, str]] | None = None,
) -> KnowledgeBase:
    pairs = tuple((faq["question"], faq["answer"]) for faq in faqs or [])
    return KnowledgeBase(business_name, business_hours, description, pairs)


def normalise_question(question: str) -> str:
    """The form two questions are compared in: case-folded, runs of spaces collapsed."""
    return re.sub(r"\s+", " ", question).strip().casefold()

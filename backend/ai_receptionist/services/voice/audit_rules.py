"""The audit's rules: deterministic checks of a knowledge base, each returning findings.

An empty list of findings means the audit passes. The rules (documented in README):
1. blocked phrases: no passage may contain one (case-insensitive);
2. blank FAQs: no FAQ question or answer may be only whitespace;
3. duplicate questions: no two FAQ questions may be equal after normalisation;
4. round-the-clock claims: no answer may claim 24/7 service unless the hours do;
5. open days: no answer may say the business is open on a day the hours leave out.
"""

import re

from ai_receptionist.services.knowledge_base import KnowledgeBase, normalise_question

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY = r"(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|rsday)?"
_DAY_WORD = rf"\b{_DAY}s?\b"
_RANGE = re.compile(rf"{_DAY_WORD}\s*(?:-|–|—|to|through|thru|until)\s*{_DAY_WORD}", re.I)
_SINGLE = re.compile(_DAY_WORD, re.I)
_OPEN_CLAIM = re.compile(rf"\bopen\s+(?:on\s+|every\s+)?(?:{_DAY_WORD}|(weekends?))", re.I)
_EVERY_DAY = re.compile(r"\b(daily|every day|7 days|seven days)\b", re.I)
_ROUND_THE_CLOCK = re.compile(r"24\s*/\s*7|24\s*hours|around the clock|round the clock", re.I)


def _day_index(token: str) -> int:
    return next(i for i, day in enumerate(DAYS) if day.startswith(token.lower()[:3]))


def _named_days(text: str) -> set[int]:
    if _EVERY_DAY.search(text):
        return set(range(7))
    days: set[int] = set()
    for match in _RANGE.finditer(text):
        start, end = _day_index(match.group(1)), _day_index(match.group(2))
        days.update(i % 7 for i in range(start, start + (end - start) % 7 + 1))
    rest = _RANGE.sub(" ", text)
    days.update(_day_index(match.group(1)) for match in _SINGLE.finditer(rest))
    if re.search(r"\bweekdays\b", rest, re.I):
        days.update(range(5))
    if re.search(r"\bweekends?\b", rest, re.I):
        days.update({5, 6})
    return days


def open_days(hours: str) -> set[int] | None:
    """Days (0 = Monday) the hours say the business is open; None if they name none.

    The hours are read clause by clause (split at , ; . and new lines); days named in a
    clause that says "closed" are closed, the others open. Ranges wrap (Fri-Mon).
    """
    opened: set[int] = set()
    closed: set[int] = set()
    for clause in re.split(r"[,;.\n]", hours):
        target = closed if re.search(r"\bclosed\b", clause, re.I) else opened
        target.update(_named_days(clause))
    return (opened - closed) or None


def blocked_phrases(kb: KnowledgeBase, phrases: tuple[str, ...]) -> list[str]:
    return [
        f"{p.source}: contains blocked phrase {phrase!r}"
        for p in kb.passages()
        for phrase in phrases
        if phrase.casefold() in p.text.casefold()
    ]


def blank_faqs(kb: KnowledgeBase) -> list[str]:
    return [
        f"{p.source}: is blank" for p in kb.passages() if p.source.startswith("faq") and not p.text.strip()
    ]


def duplicate_questions(kb: KnowledgeBase) -> list[str]:
    seen: dict[str, int] = {}
    findings = []
    for number, (question, _answer) in enumerate(kb.faqs, start=1):
        key = normalise_question(question)
        if key in seen:
            findings.append(f"faq {number} question: repeats faq {seen[key]}")
        seen.setdefault(key, number)
    return findings


def round_the_clock_claims(kb: KnowledgeBase) -> list[str]:
    if not kb.business_hours or _ROUND_THE_CLOCK.search(kb.business_hours):
        return []
    return [
        f"{p.source}: claims round-the-clock service, hours are {kb.business_hours!r}"
        for p in kb.answers()
        if _ROUND_THE_CLOCK.search(p.text)
    ]


def open_day_claims(kb: KnowledgeBase) -> list[str]:
    days = open_days(kb.business_hours) if kb.business_hours else None
    if days is None:
        return []
    findings = []
    for p in kb.answers():
        for match in _OPEN_CLAIM.finditer(p.text):
            claimed = {5, 6} if match.group(2) else {_day_index(match.group(1))}
            for day in sorted(claimed - days):
                findings.append(f"{p.source}: says open on {DAYS[day].title()}, hours say closed")
    return findings


def run_rules(kb: KnowledgeBase, *, blocked: tuple[str, ...]) -> list[str]:
    return [
        *blocked_phrases(kb, blocked),
        *blank_faqs(kb),
        *duplicate_questions(kb),
        *round_the_clock_claims(kb),
        *open_day_claims(kb),
    ]

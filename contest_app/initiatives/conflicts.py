"""Conflicts of interest between judges and submissions, in plain Python (no Flask, no database).

A judge is conflicted with a submission
- automatically: when they are one of its authors, when they work in the author's unit, or
  when they and one of its authors wrote a submission together (any submission, in any call,
  listing both among its authors);
- by declaration: a typed conflict (same unit, collaborator, family, other) declared by the
  judge or set by an organiser.

Co-authors are stored as free text ("Họ tên, đơn vị"), so people are matched by name: the part
before the first comma, case and spacing ignored. Two people with the same name are treated as
one, which errs on the side of caution (a judge is left out, never wrongly put in)."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SAME_UNIT = "same_unit"
COLLABORATOR = "collaborator"
FAMILY = "family"
OTHER = "other"
KINDS = (SAME_UNIT, COLLABORATOR, FAMILY, OTHER)
AUTHOR = "author"  # automatic only: the judge is one of the submission's authors


def person_key(name: str | None) -> str:
    """A name as matched between accounts and co-author lines."""
    text = unicodedata.normalize("NFC", (name or "").split(",")[0])
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Authors:
    """Who wrote a submission: the account that submitted it and the co-author lines."""

    submission_id: int
    author_id: int
    author_name: str
    author_unit_id: int | None
    co_authors: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        names = (self.author_name, *self.co_authors)
        return frozenset(k for k in (person_key(n) for n in names) if k)


@dataclass(frozen=True)
class Judge:
    id: int
    name: str
    unit_id: int | None


def collaborators(submissions: Iterable[Authors]) -> dict[str, frozenset[str]]:
    """Everyone each person wrote a submission with (by name key)."""
    links: dict[str, set[str]] = defaultdict(set)
    for submission in submissions:
        keys = submission.keys
        for key in keys:
            links[key] |= keys - {key}
    return {key: frozenset(others) for key, others in links.items()}


def automatic_conflict(judge: Judge, submission: Authors,
                       links: Mapping[str, frozenset[str]]) -> str | None:
    """The automatic reason a judge may not review a submission: 'author', 'same_unit' or
    'collaborator'; None when there is none."""
    key = person_key(judge.name)
    if judge.id == submission.author_id or (key and key in submission.keys):
        return AUTHOR
    if judge.unit_id is not None and judge.unit_id == submission.author_unit_id:
        return SAME_UNIT
    if key and links.get(key, frozenset()) & submission.keys:
        return COLLABORATOR
    return None


def conflicts_of(submission: Authors, judges: Iterable[Judge],
                 links: Mapping[str, frozenset[str]],
                 declared: Mapping[int, str] | None = None) -> dict[int, str]:
    """{judge id: reason} for every judge who may not review the submission: declared
    conflicts (their declared kind) first, then automatic ones."""
    result = dict(declared or {})
    for judge in judges:
        if judge.id not in result:
            reason = automatic_conflict(judge, submission, links)
            if reason:
                result[judge.id] = reason
    return result

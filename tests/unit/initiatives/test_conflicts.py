"""Conflicts of interest: automatic (author, own unit, co-authors on any submission) and
declared; assignment honours every one of them and still balances loads."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contest_app.initiatives import conflicts
from contest_app.initiatives.conflicts import (
    Authors,
    Judge,
    automatic_conflict,
    collaborators,
    conflicts_of,
    person_key,
)
from contest_app.initiatives.rules import Slot, assign

AN = Authors(1, author_id=10, author_name="Phạm Minh An", author_unit_id=100,
             co_authors=("Nguyễn Văn Hùng, công chức tư pháp",))
# Another submission, in any call, written by the judge "Lê Thị Thu" with Hùng.
OLD = Authors(2, author_id=20, author_name="Lê Thị Thu", author_unit_id=200,
              co_authors=("NGUYỄN  văn hùng",))


def test_names_match_without_case_spacing_or_unit() -> None:
    assert person_key("  NGUYỄN  văn Hùng, UBND xã A") == "nguyễn văn hùng"
    assert person_key("") == "" and person_key(None) == ""


def test_automatic_reasons() -> None:
    links = collaborators([AN, OLD])
    assert automatic_conflict(Judge(10, "Phạm Minh An", 100), AN, links) == conflicts.AUTHOR
    assert automatic_conflict(Judge(11, "Nguyễn Văn Hùng", 300), AN, links) == conflicts.AUTHOR
    assert automatic_conflict(Judge(12, "Trần Bình", 100), AN, links) == conflicts.SAME_UNIT
    # Thu wrote a submission with Hùng, a co-author of An's: conflicted with An's.
    assert automatic_conflict(Judge(20, "Lê Thị Thu", 200), AN, links) == conflicts.COLLABORATOR
    assert automatic_conflict(Judge(13, "Trần Bình", None), AN, links) is None
    # The plain case: the judge and An are both authors of some submission.
    with_an = Authors(4, author_id=13, author_name="Trần Bình", author_unit_id=None,
                      co_authors=("Phạm Minh An, UBND phường",))
    assert automatic_conflict(Judge(13, "Trần Bình", None), AN,
                              collaborators([AN, with_an])) == conflicts.COLLABORATOR
    assert automatic_conflict(Judge(14, "Võ Cường", 300), AN, links) is None


def test_a_judge_without_unit_is_not_in_an_author_without_unit() -> None:
    nobody = Authors(3, 30, "Đặng Dân", None)
    assert automatic_conflict(Judge(15, "Võ Cường", None), nobody, {}) is None


def test_declared_kinds_come_first() -> None:
    judges = [Judge(12, "Trần Bình", 100), Judge(13, "Võ Cường", 300), Judge(14, "Hà Lan", 300)]
    found = conflicts_of(AN, judges, collaborators([AN]), {12: conflicts.FAMILY,
                                                           13: conflicts.OTHER})
    assert found == {12: conflicts.FAMILY, 13: conflicts.OTHER}


people = st.lists(st.sampled_from(["An", "Bình", "Cường", "Dũng", "Hà"]), max_size=3)


@given(st.lists(st.tuples(st.integers(0, 3), people), min_size=1, max_size=6),
       st.lists(st.integers(0, 3), min_size=6, max_size=6))
def test_assignment_never_gives_a_conflicted_submission(subs, judge_units) -> None:
    """Random submissions, co-authors and units: every assignment made avoids each judge's
    automatic conflicts, or assignment refuses (not enough judges) — never a conflicted one."""
    names = ["An", "Bình", "Cường", "Dũng", "Hà", "Lan"]
    judges = [Judge(100 + i, names[i], unit) for i, unit in enumerate(judge_units)]
    submissions = [Authors(i, 1000 + i, f"Tác giả {i}", unit, tuple(co))
                   for i, (unit, co) in enumerate(subs)]
    links = collaborators(submissions)
    barred = {s.submission_id: conflicts_of(s, judges, links) for s in submissions}
    slots = [Slot(s.submission_id, s.author_id, excluded=frozenset(barred[s.submission_id]))
             for s in submissions]
    try:
        plan = assign(slots, [j.id for j in judges], 2)
    except Exception as err:  # NotEnoughJudges is the only allowed refusal
        assert type(err).__name__ == "NotEnoughJudges"
        return
    for sid, chosen in plan.items():
        assert len(chosen) == 2 and not set(chosen) & set(barred[sid])


def test_balanced_assignment_with_conflicts_is_deterministic() -> None:
    judges = [1, 2, 3]
    slots = [Slot(s, 100 + s, excluded=frozenset({1}) if s % 2 else frozenset())
             for s in range(6)]
    first = assign(slots, judges, 1)
    assert first == assign(list(reversed(slots)), judges, 1)
    loads = {j: sum(j in js for js in first.values()) for j in judges}
    assert max(loads.values()) - min(loads.values()) <= 1
    assert all(1 not in first[s] for s in (1, 3, 5))

"""One-time link rules and the staff list parser: plain Python."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contest_app.accounts import rules, staff_import

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def test_invitations_last_72_hours_and_resets_2() -> None:
    assert rules.token_expiry("invite", T0) == T0 + timedelta(hours=72)
    assert rules.token_expiry("reset", T0) == T0 + timedelta(hours=2)


def test_token_state() -> None:
    expires = T0 + timedelta(hours=2)
    assert rules.token_state(expires, None, None, T0) == "valid"
    assert rules.token_state(expires, None, None, expires) == "expired"
    assert rules.token_state(expires, T0, None, T0) == "used"
    assert rules.token_state(expires, None, T0, T0) == "voided"
    assert rules.token_state(expires, T0, None, expires + timedelta(days=1)) == "used"


def test_reset_mail_is_not_resent_within_a_minute() -> None:
    assert rules.reset_mail_due(None, T0)
    assert not rules.reset_mail_due(T0, T0 + timedelta(seconds=59))
    assert rules.reset_mail_due(T0, T0 + timedelta(seconds=60))


def test_roles_read_in_vietnamese_or_english() -> None:
    assert staff_import.parse_roles("Giám khảo") == ({"judge"}, [])
    assert staff_import.parse_roles("Ban tổ chức, giam khao") == ({"organiser", "judge"}, [])
    assert staff_import.parse_roles("Tổ thư ký / nhập phiếu khảo sát") == ({"surveyor"}, [])
    assert staff_import.parse_roles("Thư ký; judge") == ({"surveyor", "judge"}, [])
    assert staff_import.parse_roles("Chủ tịch") == (set(), ["Chủ tịch"])


HEADER = ["Họ và tên", "Email", "Số điện thoại", "Vai trò"]


def test_parse_staff_lists_every_bad_row() -> None:
    rows = [(1, HEADER),
            (2, ["Nguyễn Văn An", "An@Example.vn", 905123456, "Giám khảo"]),
            (3, ["", "x", "123", "Chủ tịch"]),
            (4, ["Trần Bình", "an@example.vn", "0905123456", ""]),
            (5, [None, None, None, None])]
    parsed = staff_import.parse_staff(rows)
    assert [(ln.row, ln.email, ln.phone, set(ln.roles)) for ln in parsed.lines] == [
        (2, "an@example.vn", "0905123456", {"judge"})]
    assert {(p.row, p.code) for p in parsed.problems} == {
        (3, "name_missing"), (3, "email_invalid"), (3, "phone_invalid"), (3, "role_unknown"),
        (4, "email_repeated"), (4, "phone_repeated"), (4, "role_missing")}


def test_parse_staff_needs_its_columns() -> None:
    assert [p.code for p in staff_import.parse_staff([(1, ["Tên đơn vị"])]).problems] == [
        "no_header"]
    problems = staff_import.parse_staff([(1, ["Họ và tên", "Email"])]).problems
    assert {(p.code, p.detail) for p in problems} == {("column_missing", "phone"),
                                                      ("column_missing", "roles")}
    assert [p.code for p in staff_import.parse_staff([(1, HEADER)]).problems] == ["empty"]

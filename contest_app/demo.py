"""Demo data: units in blocks, an organiser, a judge, participants (and, when the bank and quiz
are loaded, a contest with open rounds). Idempotent: running it twice changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .accounts import services as account_services
from .accounts.models import Block, Unit, User

DEMO_PASSWORD = "demo12345"

BLOCKS: dict[str, list[tuple[str, int | None]]] = {
    "Khối sở, ban, ngành": [
        ("Sở Nội vụ", 85),
        ("Sở Tư pháp", 60),
        ("Sở Tài chính", 120),
        ("Sở Y tế", 95),
        ("Sở Giáo dục và Đào tạo", 110),
        ("Văn phòng UBND tỉnh", 90),
    ],
    "Khối đơn vị sự nghiệp": [
        ("Trung tâm Phục vụ hành chính công tỉnh", 40),
        ("Bệnh viện Đa khoa tỉnh", 900),
        ("Đài Phát thanh và Truyền hình tỉnh", 150),
    ],
    "Khối xã, phường": [
        ("UBND phường Buôn Ma Thuột", 70),
        ("UBND phường Tuy Hòa", 65),
        ("UBND xã Ea Kar", 45),
    ],
    "Khác": [
        ("Người dân, tổ chức (không thuộc cơ quan nhà nước)", None),
    ],
}

DEMO_USERS = [
    # email, full name, phone, unit, roles
    ("btc@demo.vn", "Nguyễn Thị Ban Tổ Chức", "0901000001", "Sở Nội vụ", {"organiser"}),
    ("giamkhao@demo.vn", "Trần Văn Giám Khảo", "0901000002", "Sở Tư pháp", {"judge"}),
    ("giamkhao2@demo.vn", "Lê Thị Thẩm Định", "0901000003", "Sở Tài chính", {"judge"}),
    ("thisinh1@demo.vn", "Phạm Minh An", "0902000001", "UBND phường Buôn Ma Thuột", set()),
    ("thisinh2@demo.vn", "Hoàng Thu Bình", "0902000002", "Sở Y tế", set()),
    ("thisinh3@demo.vn", "Võ Quốc Cường",  "0902000003", "UBND phường Tuy Hòa", set()),
]


def load_units(session: Session) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for position, (block_name, unit_rows) in enumerate(BLOCKS.items()):
        block = session.scalar(select(Block).where(Block.name == block_name))
        if block is None:
            block = Block(name=block_name, position=position)
            session.add(block)
            session.flush()
        for name, headcount in unit_rows:
            unit = session.scalar(select(Unit).where(Unit.name == name))
            if unit is None:
                unit = Unit(name=name, block_id=block.id, headcount=headcount)
                session.add(unit)
                session.flush()
            units[name] = unit
    return units


def load_users(session: Session, units: dict[str, Unit]) -> list[tuple[str, str, str]]:
    """Create the demo accounts; returns (email, password, roles) for printing."""
    logins = []
    for email, name, phone, unit, roles in DEMO_USERS:
        if session.scalar(select(User.id).where(User.email == email)) is None:
            account_services.create_user(
                session, email=email, full_name=name, phone=phone, password=DEMO_PASSWORD,
                unit_id=units[unit].id, roles=roles,
            )
        logins.append((email, DEMO_PASSWORD, ", ".join(sorted(roles)) or "participant"))
    return logins


def load_demo(session: Session, notes: list[str] | None = None) -> list[tuple[str, str, str]]:
    """Load everything; lines worth telling the operator are appended to `notes`."""
    units = load_units(session)
    logins = load_users(session, units)
    from .initiatives.demo import load_demo_initiatives
    from .quiz.demo import load_demo_contest
    from .surveys.demo import load_demo_survey

    load_demo_contest(session, notes)
    load_demo_initiatives(session)
    load_demo_survey(session)
    return logins

"""Demo data: units in blocks, a few communes and wards, an organiser, a judge, participants
(officials, a citizen and a business) and, when the bank and quiz are loaded, a contest with
open rounds. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .accounts import services as account_services
from .accounts.models import KIND_CITIZEN, Block, Unit, User, Ward, role_labels

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
}
# Citizens and businesses register with a ward, never with a unit. Placeholder names only:
# the organiser imports the province's real list (communes were merged in the 2025 reform).
WARDS = ["Phường 1", "Phường 2", "Xã A", "Xã B"]

DEMO_USERS = [
    # email, full name, phone, unit, roles
    ("btc@demo.vn", "Nguyễn Thị Ban Tổ Chức", "0901000001", "Sở Nội vụ", {"organiser"}),
    ("giamkhao@demo.vn", "Trần Văn Giám Khảo", "0901000002", "Sở Tư pháp", {"judge"}),
    ("giamkhao2@demo.vn", "Lê Thị Thẩm Định", "0901000003", "Sở Tài chính", {"judge"}),
    # A judge in the unit of a demo initiative's author: never assigned to it (conflict).
    ("giamkhao3@demo.vn", "Đỗ Thị Hội Đồng", "0901000004", "UBND phường Tuy Hòa", {"judge"}),
    ("thisinh1@demo.vn", "Phạm Minh An", "0902000001", "UBND phường Buôn Ma Thuột", set()),
    ("thisinh2@demo.vn", "Hoàng Thu Bình", "0902000002", "Sở Y tế", set()),
    ("thisinh3@demo.vn", "Võ Quốc Cường",  "0902000003", "UBND phường Tuy Hòa", set()),
]
# email, full name, phone, ward, organisation
DEMO_CITIZENS = [
    ("nguoidan@demo.vn", "Đặng Thị Dân", "0903000001", "Phường 1", None),
    ("doanhnghiep@demo.vn", "Bùi Văn Nghiệp", "0903000002", "Xã A", "Hợp tác xã mẫu"),
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


def load_wards(session: Session) -> dict[str, Ward]:
    wards: dict[str, Ward] = {}
    for name in WARDS:
        ward = session.scalar(select(Ward).where(Ward.name == name))
        if ward is None:
            ward = Ward(name=name)
            session.add(ward)
            session.flush()
        wards[name] = ward
    return wards


def load_users(session: Session, units: dict[str, Unit]) -> list[tuple[str, str, str]]:
    """Create the demo accounts; returns (email, password, roles) for printing."""
    logins = []
    for email, name, phone, unit, roles in DEMO_USERS:
        if session.scalar(select(User.id).where(User.email == email)) is None:
            account_services.create_user(
                session, email=email, full_name=name, phone=phone, password=DEMO_PASSWORD,
                unit_id=units[unit].id, roles=roles,
            )
        logins.append((email, DEMO_PASSWORD, ", ".join(role_labels(roles)) or "Người dự thi"))
    wards = load_wards(session)
    for email, name, phone, ward, organisation in DEMO_CITIZENS:
        if session.scalar(select(User.id).where(User.email == email)) is None:
            account_services.create_user(
                session, email=email, full_name=name, phone=phone, password=DEMO_PASSWORD,
                kind=KIND_CITIZEN, ward_id=wards[ward].id, organisation=organisation)
        logins.append((email, DEMO_PASSWORD, "Người dự thi (người dân)"))
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

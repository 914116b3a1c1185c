"""`flask bank ...`: check (no database), import (YAML folder or Excel), export, report."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..accounts.models import ROLE_ORGANISER, User
from ..extensions import db
from . import rules, services
from .rules import Problem
from .sources import SOURCES_FILE, render_sources

bank_cli = AppGroup("bank", help="Ngân hàng câu hỏi: kiểm tra, nhập, xuất Excel, báo cáo pháp lý.")


def _bank_path(path: Path | None) -> Path:
    return path or Path(current_app.config["QUESTION_BANK_PATH"])


def _echo_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(problem.format())


def _fail(problems: list[Problem]) -> None:
    db.session.rollback()
    _echo_problems(problems)
    errors = sum(p.is_error for p in problems)
    click.echo(f"Có {errors} lỗi: chưa nhập câu hỏi nào.", err=True)
    raise click.exceptions.Exit(1)


@bank_cli.command("check",
                  help="Kiểm tra các tệp YAML của ngân hàng câu hỏi (không cần cơ sở dữ liệu); "
                       "mã thoát 1 nếu có lỗi.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check_command(path: Path | None) -> None:
    """Check the bank's YAML files (no database). Exit code 1 on any error."""
    result = rules.check_path(_bank_path(path))
    _echo_problems(result.problems)
    click.echo(f"{len(result.records)} câu hỏi, {len(result.errors)} lỗi, "
               f"{len(result.warnings)} cảnh báo.")
    counts = result.counts()
    share = round(100 * counts["recent"] / counts["approved"]) if counts["approved"] else 0
    click.echo(f"Đã duyệt: {counts['approved']} câu (chính thức: {counts['official']}, "
               f"luyện tập: {counts['practice']}); dựa trên văn bản ban hành năm 2025–2026: "
               f"{counts['recent']}/{counts['approved']} ({share} %).")
    if not result.facts_checked:
        click.echo("Chưa kiểm tra mã dữ kiện: không tìm thấy thư mục dữ kiện (FACTS_PATH).")
    if result.errors:
        raise click.exceptions.Exit(1)


@bank_cli.command("sources", help="Tạo lại SOURCES.md từ ngân hàng câu hỏi và các tệp dữ kiện.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--write", "write", is_flag=True,
              help="Ghi vào SOURCES.md trong thư mục ngân hàng câu hỏi thay vì in ra.")
def sources_command(path: Path | None, write: bool) -> None:
    """Generate SOURCES.md from the bank and its facts: every fact id used, with its
    document, date, provision, quote, source and the questions citing it."""
    bank = _bank_path(path)
    records, problems = rules.parse_path(bank)
    facts, fact_problems = rules.load_fact_rows()
    errors = [p for p in problems + fact_problems if p.is_error]
    if errors or facts is None:
        _echo_problems(errors)
        click.echo("Không tạo được SOURCES.md: ngân hàng câu hỏi hoặc các tệp dữ kiện có lỗi "
                   "(chạy «flask bank check»).", err=True)
        raise click.exceptions.Exit(1)
    text = render_sources(records, facts)
    if not write:
        click.echo(text, nl=False)
        return
    target = (bank if bank.is_dir() else bank.parent) / SOURCES_FILE
    target.write_text(text, encoding="utf-8")
    click.echo(f"Đã ghi {target}.")


PLAN_LABELS = (("added", "Thêm mới"), ("changed", "Phiên bản mới"),
               ("updated", "Cập nhật thuộc tính"), ("approved", "Duyệt (nội dung không đổi)"),
               ("left_alone", "Giữ nguyên (đã ngừng sử dụng trên web)"),
               ("retired", "Ngừng sử dụng"))


def _echo_plan(plan: services.ImportPlan) -> None:
    for name, label in PLAN_LABELS:
        items = getattr(plan, name)
        if items:
            click.echo(f"{label}: {', '.join(i.key for i in items)}")


def _approver_id(email: str | None) -> int | None:
    if not email:
        return None
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None or ROLE_ORGANISER not in (user.roles or ()):
        raise click.UsageError(f"Không có tài khoản ban tổ chức với thư điện tử {email}.")
    return user.id


@bank_cli.command("import", help="Nhập ngân hàng câu hỏi có phiên bản (mặc định gộp).")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--xlsx", "xlsx", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Nhập từ tệp Excel thay cho các tệp YAML.")
@click.option("--replace", is_flag=True,
              help="Thay cả ngân hàng: câu hỏi không có trong tệp bị ngừng sử dụng.")
@click.option("--dry-run", "dry_run", is_flag=True,
              help="Chỉ in kế hoạch (thêm, đổi, không đổi, ngừng sử dụng, lỗi); không ghi gì.")
@click.option("--approve-as", "approve_as", metavar="EMAIL",
              help="Ghi nhận người ban tổ chức này đã kiểm tra pháp lý và duyệt các câu hỏi "
                   "ghi «approved» trong tệp.")
def import_command(path: Path | None, xlsx: Path | None, replace: bool, dry_run: bool,
                   approve_as: str | None) -> None:
    """Import the bank. Merge by default (add, new versions; never retire); --replace retires
    what the file lacks. Questions arrive waiting for approval unless --approve-as."""
    if path and xlsx:
        raise click.UsageError("Chỉ dùng PATH hoặc --xlsx, không dùng cả hai.")
    actor_id = _approver_id(approve_as)
    mode = services.MODE_REPLACE if replace else services.MODE_MERGE
    approve = actor_id is not None
    if xlsx:
        plan, topics = services.plan_xlsx(db.session, xlsx, mode=mode, approve=approve)
    else:
        plan, topics = services.plan_path(db.session, _bank_path(path), mode=mode,
                                          approve=approve)
    if plan.errors:
        _fail(plan.problems)
        return
    _echo_problems(plan.warnings)
    counts = plan.counts()
    if dry_run:
        db.session.rollback()
        click.echo(f"Chạy thử (chế độ {'thay cả ngân hàng' if replace else 'gộp'}), chưa ghi "
                   f"gì: thêm mới: {counts['added']}; phiên bản mới: {counts['new_versions']}; "
                   f"cập nhật thuộc tính: {counts['updated']}; duyệt: {counts['approved']}; "
                   f"không đổi: {counts['unchanged']}; giữ nguyên: {counts['left_alone']}; "
                   f"ngừng sử dụng: {counts['retired']}; lỗi: {counts['errors']}.")
        _echo_plan(plan)
        return
    summary = services.apply_plan(db.session, plan, topics, actor_id=actor_id)
    db.session.commit()
    counts = summary.counts()
    click.echo(f"Thêm mới: {counts['added']}; phiên bản mới: {counts['new_versions']}; "
               f"ngừng sử dụng: {counts['retired']}; cập nhật thuộc tính: {counts['updated']}; "
               f"không đổi: {counts['unchanged']}; duyệt: {counts['approved']}; "
               f"giữ nguyên: {counts['left_alone']}.")
    _echo_plan(plan)
    if not approve and (plan.added or plan.changed):
        click.echo("Câu hỏi mới và phiên bản mới đang chờ duyệt (dùng --approve-as EMAIL nếu "
                   "đã kiểm tra pháp lý cả tệp).")


@bank_cli.command("export", help="Xuất ngân hàng câu hỏi ra Excel hoặc các tệp YAML.")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp Excel sẽ ghi ra.")
@click.option("--yaml", "yaml_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục sẽ ghi các tệp YAML (mỗi chủ đề một tệp).")
def export_command(xlsx: Path | None, yaml_dir: Path | None) -> None:
    """Export the whole bank to an Excel sheet or to YAML files (one per topic)."""
    if bool(xlsx) == bool(yaml_dir):
        raise click.UsageError("Dùng đúng một trong hai: --xlsx TỆP hoặc --yaml THƯ_MỤC.")
    if xlsx:
        count = services.export_xlsx(db.session, xlsx)
        click.echo(f"Đã xuất {count} câu hỏi ra {xlsx}.")
        return
    written = services.export_yaml(db.session, yaml_dir)
    click.echo(f"Đã xuất {sum(written.values())} câu hỏi ra {len(written)} tệp YAML trong "
               f"{yaml_dir}.")


@bank_cli.command("report", help="Báo cáo kiểm tra pháp lý ra tệp Excel.")
@click.option("--xlsx", "xlsx", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp Excel sẽ ghi ra.")
@click.option("--status", "statuses", multiple=True, default=("approved",), show_default=True,
              type=click.Choice(rules.STATUSES), help="Trạng thái câu hỏi đưa vào báo cáo.")
def report_command(xlsx: Path, statuses: tuple[str, ...]) -> None:
    """Write the legal-check report: stem, key, explanation, legal basis, facts and sources."""
    count = services.write_report(db.session, xlsx, statuses=statuses)
    click.echo(f"Đã ghi báo cáo kiểm tra pháp lý ({count} câu hỏi) ra {xlsx}.")

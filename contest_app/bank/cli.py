"""`flask bank ...`: check (no database), import (YAML folder or Excel), export, report."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

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


@bank_cli.command("check")
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


@bank_cli.command("sources")
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


@bank_cli.command("import")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--xlsx", "xlsx", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Nhập từ tệp Excel thay cho các tệp YAML.")
def import_command(path: Path | None, xlsx: Path | None) -> None:
    """Import the bank (idempotent): new questions, new versions, retire missing ones."""
    if path and xlsx:
        raise click.UsageError("Chỉ dùng PATH hoặc --xlsx, không dùng cả hai.")
    try:
        if xlsx:
            summary, result = services.import_xlsx(db.session, xlsx)
        else:
            summary, result = services.import_path(db.session, _bank_path(path))
    except services.BankCheckFailed as err:
        _fail(err.problems)
        return
    db.session.commit()
    _echo_problems(result.warnings)
    counts = summary.counts()
    click.echo(f"Thêm mới: {counts['added']}; phiên bản mới: {counts['new_versions']}; "
               f"ngừng sử dụng: {counts['retired']}; cập nhật thuộc tính: {counts['updated']}; "
               f"không đổi: {counts['unchanged']}.")
    for label, keys in (("Phiên bản mới", summary.new_versions),
                        ("Ngừng sử dụng", summary.retired)):
        if keys:
            click.echo(f"{label}: {', '.join(keys)}")


@bank_cli.command("export")
@click.option("--xlsx", "xlsx", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp Excel sẽ ghi ra.")
def export_command(xlsx: Path) -> None:
    """Export the whole bank to an Excel sheet (one row per question)."""
    count = services.export_xlsx(db.session, xlsx)
    click.echo(f"Đã xuất {count} câu hỏi ra {xlsx}.")


@bank_cli.command("report")
@click.option("--xlsx", "xlsx", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp Excel sẽ ghi ra.")
@click.option("--status", "statuses", multiple=True, default=("approved",), show_default=True,
              type=click.Choice(rules.STATUSES), help="Trạng thái câu hỏi đưa vào báo cáo.")
def report_command(xlsx: Path, statuses: tuple[str, ...]) -> None:
    """Write the legal-check report: stem, key, explanation, legal basis, facts and sources."""
    count = services.write_report(db.session, xlsx, statuses=statuses)
    click.echo(f"Đã ghi báo cáo kiểm tra pháp lý ({count} câu hỏi) ra {xlsx}.")

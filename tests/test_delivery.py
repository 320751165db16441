"""Delivery: a copy to a folder, and e-mail through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from risk.delivery import copy_to_folder, deliver
from risk.errors import ReportError
from risk.settings import ScheduleSettings

PDF = b"%PDF-1.4\n% a tiny stand-in for a snapshot\n%%EOF\n"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    p = tmp_path / "20261102T070000Z_oar15.pdf"
    p.write_bytes(PDF)
    return p


def test_copy_to_folder_creates_it_and_leaves_no_temp(pdf: Path, tmp_path: Path) -> None:
    out = copy_to_folder(pdf, tmp_path / "outbox" / "weekly")
    assert out.read_bytes() == PDF
    assert [p.name for p in out.parent.iterdir()] == [pdf.name]


def test_email_arrives_with_the_pdf_attached(pdf: Path, smtp: tuple[Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    cfg = ScheduleSettings(smtp_host="127.0.0.1", smtp_port=port, email_to=["ops@example.com", "cfo@example.com"],
                           email_from="risk@example.com", deliver_folder=tmp_path / "copies")
    done = deliver(pdf, cfg)
    assert len(done) == 2 and (tmp_path / "copies" / pdf.name).is_file()
    assert len(inbox.messages) == 1
    sender, rcpts, raw = inbox.messages[0]
    assert sender == "risk@example.com" and rcpts == ["ops@example.com", "cfo@example.com"]
    msg = email.message_from_bytes(raw, policy=policy.default)
    attachments = list(msg.iter_attachments())
    assert [a.get_filename() for a in attachments] == [pdf.name]
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content() == PDF


def test_unreachable_server_is_a_report_error_after_the_copy(pdf: Path, tmp_path: Path) -> None:
    cfg = ScheduleSettings(smtp_host="127.0.0.1", smtp_port=_free_port(), email_to=["ops@example.com"],
                           deliver_folder=tmp_path / "copies")
    with pytest.raises(ReportError, match="cannot send the snapshot by e-mail"):
        deliver(pdf, cfg)
    assert (tmp_path / "copies" / pdf.name).is_file()  # the other delivery still happened


def test_nothing_configured_delivers_nothing(pdf: Path) -> None:
    assert deliver(pdf, ScheduleSettings()) == []

"""Deliver a written snapshot: copy it to a folder and/or e-mail it over SMTP.

Both are optional and configured in `[schedule]` of risk.toml (deliver_folder, email_to,
email_from, smtp_host, smtp_port, smtp_user, smtp_password, smtp_starttls). A failed
delivery raises ReportError naming the target; the snapshot itself stays written and recorded.
"""

from __future__ import annotations

import logging
import os
import shutil
import smtplib
import ssl
import tempfile
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from risk.errors import ReportError
from risk.settings import ScheduleSettings

log = logging.getLogger(__name__)


def copy_to_folder(pdf: Path, folder: Path) -> Path:
    """Copy `pdf` into `folder` (created if needed) atomically; returns the new path."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".delivery-", suffix=".part", dir=folder)
        os.close(fd)
        shutil.copyfile(pdf, tmp)
        target = folder / pdf.name
        os.replace(tmp, target)
    except OSError as e:
        raise ReportError(f"cannot copy the snapshot to {folder}: {e}",
                          hint="check schedule.deliver_folder exists and is writable") from e
    return target


def build_message(pdf: Path, cfg: ScheduleSettings, *, subject: str | None = None) -> EmailMessage:
    """The e-mail: a short plain-text body and the PDF attached."""
    msg = EmailMessage()
    msg["Subject"] = subject or f"Regional risk snapshot {pdf.stem}"
    msg["From"] = cfg.email_from
    msg["To"] = ", ".join(cfg.email_to)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=cfg.email_from.rpartition("@")[2] or "localhost")
    msg.set_content(
        "The latest regional risk snapshot is attached.\n\n"
        f"File: {pdf.name}\n"
        "It was produced by the scheduled job of the regional-risk dashboard.\n"
    )
    msg.add_attachment(pdf.read_bytes(), maintype="application", subtype="pdf", filename=pdf.name)
    return msg


def send_email(pdf: Path, cfg: ScheduleSettings, *, subject: str | None = None, timeout: float = 30.0) -> None:
    """Send the PDF to cfg.email_to through cfg.smtp_host:cfg.smtp_port."""
    if not cfg.smtp_host or not cfg.email_to:
        raise ReportError("e-mail delivery needs schedule.smtp_host and schedule.email_to",
                          hint="set both in risk.toml, or leave email_to empty to skip e-mail")
    msg = build_message(pdf, cfg, subject=subject)
    try:
        with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=timeout) as smtp:
            if cfg.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if cfg.smtp_user:
                smtp.login(cfg.smtp_user, cfg.smtp_password or "")
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as e:
        raise ReportError(f"cannot send the snapshot by e-mail: {e}",
                          where=f"{cfg.smtp_host}:{cfg.smtp_port}",
                          hint="check schedule.smtp_* settings and that the server accepts mail") from e


def deliver(pdf: Path, cfg: ScheduleSettings) -> list[str]:
    """Every configured delivery, each tried even when another failed; what was done.

    Raises ReportError listing the failures after trying them all.
    """
    done: list[str] = []
    failures: list[str] = []
    if cfg.deliver_folder is not None:
        try:
            done.append(f"copied to {copy_to_folder(pdf, Path(cfg.deliver_folder))}")
        except ReportError as e:
            failures.append(e.message)
    if cfg.email_to:
        try:
            send_email(pdf, cfg)
            done.append(f"e-mailed to {', '.join(cfg.email_to)}")
        except ReportError as e:
            failures.append(e.message)
    for line in done:
        log.info("snapshot %s %s", pdf.name, line)
    if failures:
        raise ReportError("delivery failed: " + " | ".join(failures))
    return done

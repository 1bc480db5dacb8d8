"""The report's HTML printed to PDF by headless Chromium (Playwright driving Debian's ``chromium``):
the same page and print stylesheet a browser shows, no second rendering stack.

``PGXKG_CHROMIUM`` names the browser; by default ``chromium`` on the PATH (Debian: ``apt-get install
chromium``). Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path
from types import TracebackType

from pgxkg.errors import PgxkgError, ToolMissing

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FOOTER = ('<div style="font-size:8px;width:100%;padding:0 12mm;color:#555;display:flex;justify-content:space-between">'
          '<span>{title}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span>'
          '</div>')


def chromium() -> str:
    """The Chromium executable: ``PGXKG_CHROMIUM``, else ``chromium`` (or ``chromium-browser``) on the PATH."""
    named = os.environ.get("PGXKG_CHROMIUM")
    if named:
        if not Path(named).is_file():
            raise ToolMissing(f"PGXKG_CHROMIUM={named} is not a file", "point it at a Chromium executable")
        return named
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise ToolMissing("a PDF report needs Chromium, which is not installed",
                          "apt-get install -y chromium (or set PGXKG_CHROMIUM), or write report.html instead")
    return found


class PdfPrinter:
    """One headless Chromium that prints many pages (``with PdfPrinter() as printer: printer.pdf(html)``)."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or chromium()
        self._playwright = None
        self._browser = None

    def __enter__(self) -> PdfPrinter:
        from playwright.sync_api import Error, sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=self.executable, args=ARGS)
        except Error as error:
            self._playwright.stop()
            raise PgxkgError(f"Chromium ({self.executable}) did not start: {str(error).splitlines()[0]}",
                             "check that it runs headless: chromium --headless --no-sandbox --version") from None
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()

    def pdf(self, page_html: str, title: str = "Pharmacogenomic report") -> bytes:
        """``page_html`` printed on A4 with page numbers in the footer; returns the PDF's bytes."""
        assert self._browser is not None, "use PdfPrinter as a context manager"
        page = self._browser.new_page()
        try:
            page.set_content(page_html, wait_until="load")
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                            display_header_footer=True, header_template="<span></span>",
                            footer_template=FOOTER.format(title=html.escape(title)))
        finally:
            page.close()


def html_to_pdf(page_html: str, title: str = "Pharmacogenomic report") -> bytes:
    """One page printed by a browser started for it (use ``PdfPrinter`` for many)."""
    with PdfPrinter() as printer:
        return printer.pdf(page_html, title)

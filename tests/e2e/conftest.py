"""A live server and a real browser (Debian's /usr/bin/chromium driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("PATHWAYS_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="es-GT", viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    # Any script or style the Content-Security-Policy refuses is a page that breaks for real
    # users: every browser test fails on one.
    refused: list[str] = []
    pg.on(
        "console",
        lambda msg: refused.append(msg.text)
        if msg.type == "error" and "Content Security Policy" in msg.text
        else None,
    )
    yield pg
    context.close()
    assert not refused, f"refused by the Content-Security-Policy: {refused}"


@pytest.fixture
def sign_in(page: Any, live_server: str) -> Any:
    """Sign in through the real login page, in Spanish (the default a pip install serves)."""
    from tests.conftest import PASSWORD

    def sign(user: Any) -> None:
        page.goto(f"{live_server}/")
        page.get_by_role("navigation", name="Menú principal").get_by_role(
            "link", name="Iniciar sesión"
        ).click()
        page.get_by_label("Correo electrónico").fill(user.email)
        page.get_by_label("Contraseña").fill(PASSWORD)
        page.get_by_role("button", name="Iniciar sesión").click()
        page.get_by_role("heading", level=1).wait_for()

    return sign


def open_menu(page: Any, name: str) -> None:
    """Follow the main menu link called ``name``, as a person would."""
    page.get_by_role("navigation", name="Menú principal").get_by_role(
        "link", name=name, exact=True
    ).click()
    page.get_by_role("heading", level=1).wait_for()


# The WCAG contrast ratio of an element's text (or focus outline) against what is behind it.
CONTRAST_JS = r"""
(el, prop) => {
  const parse = c => {
    const m = c.match(/[\d.]+/g).map(Number);
    return m.length > 3 && m[3] === 0 ? null : m.slice(0, 3);
  };
  const channel = v => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  // text sits on the element's own background; an outline (drawn outside it) on its parent's
  let node = prop === 'color' ? el : el.parentElement, bg = null;
  while (node && !bg) {
    bg = parse(getComputedStyle(node).backgroundColor);
    node = node.parentElement;
  }
  bg = bg || [255, 255, 255];
  const fg = parse(getComputedStyle(el)[prop]);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""

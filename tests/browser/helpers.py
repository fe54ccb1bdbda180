"""Helpers for the browser tests: axe-core checks, CSP recording, signing in and out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, WebSocket

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: the level the product brief commits to.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

DEMO_PASSWORD = "tripartite-demo"
# allauth's MFA_TOTP_INSECURE_BYPASS_CODE, set by config/settings.py with DEBUG and
# TRIPARTITE_TESTING only.
TOTP_BYPASS_CODE = "000000"

_AXE_RUN = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(" "),
      html: n.html,
      summary: n.failureSummary,
    })),
  }));
}
"""


def path_of(page: Page) -> str:
    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now (inject it first if this document lacks it).

    Injection is an inline script, so the page's context must have ``bypass_csp=True``.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def format_violations(violations: list[dict], where: str) -> str:
    lines = [f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {where}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f"  <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {node['target']}")
            lines.append(f"       {node['html'][:200]}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"       {summary_line}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more element(s)")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """axe-core reports no WCAG 2.1 A/AA violation on the current page."""
    violations = axe_violations(page)
    assert not violations, format_violations(violations, path_of(page))


def assert_no_horizontal_scroll(page: Page, width: int = 360) -> None:
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width:
        culprits = page.evaluate(
            """(width) => Array.from(document.querySelectorAll("body *"))
                .filter((el) => el.getBoundingClientRect().right > width + 0.5)
                .slice(0, 8)
                .map((el) => el.tagName.toLowerCase()
                     + (el.id ? "#" + el.id : "")
                     + (el.className && typeof el.className === "string"
                        ? "." + el.className.trim().split(/\\s+/).join(".") : "")
                     + " right=" + Math.round(el.getBoundingClientRect().right))""",
            width,
        )
        raise AssertionError(
            f"{path_of(page)} scrolls sideways at {width}px: scrollWidth={scroll_width}; "
            f"widest elements: {culprits}"
        )


# --- Content-Security-Policy -----------------------------------------------------------------

_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__tripartiteCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
    page: location.pathname,
  });
}, true);
"""


@dataclass
class CspRecorder:
    """Collects CSP violations (DOM events and console reports) and uncaught script errors
    across a browser context. The listener is installed through Playwright's init script and
    binding, which the page's CSP does not govern, so it does not weaken the policy."""

    violations: list[dict] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, context: BrowserContext) -> CspRecorder:
        recorder = cls()
        context.expose_binding(
            "__tripartiteCspViolation", lambda source, report: recorder.violations.append(report)
        )
        context.add_init_script(_CSP_LISTENER)
        context.on("console", recorder._on_console)
        context.on("weberror", lambda web_error: recorder.errors.append(str(web_error.error)))
        return recorder

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def problems(self) -> list[str]:
        return (
            [f"violation: {json.dumps(v, ensure_ascii=False)}" for v in self.violations]
            + [f"console: {text}" for text in self.console]
            + [f"script error: {text}" for text in self.errors]
        )

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "Content-Security-Policy problems:\n" + "\n".join(problems)

    def clear(self) -> None:
        self.violations.clear()
        self.console.clear()
        self.errors.clear()


# --- Signing in and out ------------------------------------------------------------------------


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD, totp: str | None = None) -> None:
    """Sign in through allauth's form; answer the two-factor step with ``totp`` if asked."""
    page.goto("/accounts/login/")
    form = page.locator("form:has(input[name='password'])")
    form.locator("input[name='login']").fill(email)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()
    if "/2fa/authenticate" in page.url:
        assert totp is not None, f"{email} was asked for a two-factor code"
        code_form = page.locator("form:has(input[name='code'])")
        code_form.locator("input[name='code']").fill(totp)
        with page.expect_navigation():
            code_form.locator("[type='submit']").first.click()
    assert "/accounts/login" not in page.url and "/2fa/authenticate" not in page.url, (
        f"signing in as {email} did not get past {path_of(page)}: "
        + page.locator("main").inner_text()[:500]
    )


def sign_out(page: Page) -> None:
    """Sign out with the header's POST form (logout by GET is off)."""
    button = page.locator("header form[action*='logout'] [type='submit']")
    with page.expect_navigation():
        button.click()
    assert page.locator("header form[action*='logout']").count() == 0, "still signed in"


# --- The site socket -----------------------------------------------------------------------


@dataclass
class SocketLog:
    """Frames of the page's WebSockets, decoded as JSON where possible."""

    urls: list[str] = field(default_factory=list)
    sent: list = field(default_factory=list)
    received: list = field(default_factory=list)
    closed: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page: Page) -> SocketLog:
        log = cls()

        def on_socket(socket: WebSocket) -> None:
            log.urls.append(socket.url)
            socket.on("framesent", lambda payload: log.sent.append(_decode(payload)))
            socket.on("framereceived", lambda payload: log.received.append(_decode(payload)))
            socket.on("close", lambda ws: log.closed.append(ws.url))

        page.on("websocket", on_socket)
        return log


def _decode(payload: str | bytes):
    try:
        return json.loads(payload)
    except (TypeError, ValueError):
        return payload

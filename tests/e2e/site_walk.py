"""Every page of the portal, found from the app's own URL map: what to walk and how to check it.

``portal_pages(app)`` lists the endpoints that answer a GET with a page (not
the API, the HSDS directory, files or CSV exports), so a page someone adds
later is walked too. A walk starts at each role's pages without parameters
and follows the links it finds to reach those with parameters (a person, a
referral); ``Walk.unreached`` says which pages no role reached.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

# Not pages: answered with JSON, files or a redirect to them.
NOT_PAGES_PREFIXES = ("/api", "/hsds", "/assets", "/static", "/health", "/favicon")
NOT_PAGES_SUFFIXES = (".csv", ".json", ".ics", ".xml", ".ico", ".png", ".svg")

# Words broken across lines inside a table cell or the header's signed-in account (a word
# of 2+ letters whose range has more than one line box), a separator "·" of the account
# line that starts a line, and columns of numbers not right-aligned with their header.
TABLE_LAYOUT = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('main table th, main table td, .ww-account__who')) {
    if (cell.offsetParent === null) continue;  // hidden (a closed <details>)
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.ww-visually-hidden, input, select, textarea')) continue;
      for (const match of node.textContent.matchAll(/[\\p{L}\\p{N}]{2,}/gu)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  // The account line's "·" ends the line of what it follows, never starts the next one.
  const strayDots = [];
  for (const who of document.querySelectorAll('.ww-account__who')) {
    let previousTop = null;
    const walker = document.createTreeWalker(who, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      [...node.textContent].forEach((character, index) => {
        if (/\\s/.test(character)) return;
        const range = document.createRange();
        range.setStart(node, index);
        range.setEnd(node, index + 1);
        const top = Math.round(range.getBoundingClientRect().top);
        if (character === '·' && previousTop !== null && top !== previousTop) {
          strayDots.push(who.textContent.replace(/\\s+/g, ' ').trim());
        }
        previousTop = top;
      });
    }
  }
  // A column of numbers (a dash for none) is right-aligned, its header as well.
  const misaligned = [];
  const right = el => ['right', 'end'].includes(getComputedStyle(el).textAlign);
  for (const table of document.querySelectorAll('main table')) {
    const headers = [...table.querySelectorAll('thead tr:last-child th')];
    const rows = [...table.querySelectorAll('tbody tr')]
      .filter(row => row.children.length === headers.length);
    headers.forEach((th, column) => {
      const cells = rows.map(row => row.children[column]);
      const texts = cells.map(cell => cell.textContent.trim());
      if (/postcode|jaar|nummer|adres/i.test(th.textContent)) return;  // numbers that are names
      if (!cells.length || !texts.some(t => /\\d/.test(t))) return;
      if (!texts.every(t => /^(—|[\\d.,]+( %)?|[+−-]?[\\d.,]+)$/.test(t))) return;
      if (!right(th) || !cells.every(right)) misaligned.push(th.textContent.trim());
    });
  }
  return {broken: [...new Set(broken)].slice(0, 8), misaligned: [...new Set(misaligned)], strayDots,
          pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth};
}"""


def portal_pages(app: Flask) -> set[str]:
    """The endpoints of the portal's pages: GET rules that render HTML."""
    endpoints = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(NOT_PAGES_PREFIXES):
            continue
        if rule.rule.endswith(NOT_PAGES_SUFFIXES):
            continue
        endpoints.add(rule.endpoint)
    return endpoints


def start_urls(app: Flask) -> list[str]:
    """The pages' URLs that need no parameter, in the URL map's order."""
    pages = portal_pages(app)
    return sorted({rule.rule for rule in app.url_map.iter_rules()
                   if rule.endpoint in pages and not rule.arguments})


@dataclass
class Walk:
    """What a walk saw: per endpoint the first URL visited, and what the checks found."""

    app: Flask
    visited: dict[str, str] = field(default_factory=dict)
    found: dict[str, list[str]] = field(default_factory=dict)

    def endpoint_of(self, url: str) -> str | None:
        parts = urlsplit(url)
        adapter = self.app.url_map.bind("localhost")
        try:
            endpoint, _ = adapter.match(parts.path, method="GET")
        except (HTTPException, RequestRedirect):
            return None
        return endpoint if endpoint in portal_pages(self.app) else None

    def report(self, where: str, problems: list[str]) -> None:
        if problems:
            self.found.setdefault(where, []).extend(problems)

    def unreached(self) -> set[str]:
        return portal_pages(self.app) - set(self.visited)

"""Working the portal with the keyboard alone: Tab to an element, then Enter or type.

``tab_to`` presses Tab (at most ``limit`` times) until the focused element is the
one the locator finds, and fails if focus never gets there: an element the
keyboard cannot reach is a WCAG 2.1.1 failure. Every focused element must show
its focus (an outline or a box shadow; WCAG 2.4.7).
"""

import pytest

FOCUSED = "(el) => el === document.activeElement"
FOCUS_SHOWN = """() => { const el = document.activeElement; const cs = getComputedStyle(el);
  return (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0)
         || cs.boxShadow !== 'none' || cs.textDecorationLine.includes('underline'); }"""


def tab_to(page, locator, limit: int = 80, backwards: bool = False) -> None:
    target = locator.first
    target.wait_for(state="visible")
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if target.evaluate(FOCUSED):
            assert page.evaluate(FOCUS_SHOWN), "the focused element shows no focus"
            return
    pytest.fail(f"Tab never reached {locator}")


def log_in_by_keyboard(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/inloggen")
    tab_to(page, page.get_by_label("E-mailadres"))
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=U bent ingelogd.")

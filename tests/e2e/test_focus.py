"""Every keyboard stop of the main pages shows a focus indicator with a contrast of at least
3:1 against what lies behind it (WCAG 2.4.7 and 1.4.11, RGAA 10.7 and 3.3).

The test presses Tab through each page, as a keyboard user does, and measures in the browser
the ring's colour (outline, or box-shadow when there is no outline) against the colour of what
is under the ring: the element found just outside each side of the focused element, with its
ancestors' backgrounds composited (gradients count by their darkest and lightest colours).
"""

import pytest

from core.roles import AGENT
from registry.models import Status
from tests.e2e.conftest import log_in
from tests.e2e.test_public_site import make_initiatives
from tests.factories import InitiativeFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 740}
MIN_CONTRAST = 3
MAX_STOPS = 120

MEASURE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (el.dataset.focusSeen) return {again: true};
  el.dataset.focusSeen = "1";

  const parse = (text) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(text || "");
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(parseFloat);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a),
    g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a),
    a: 1,
  });
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const contrast = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c) => "#" + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");

  // The colours an element shows at a point: its own background over its ancestors', down to
  // the white canvas. A gradient gives each of its colours.
  const backgroundsOf = (start) => {
    const layers = [];
    for (let node = start; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      const gradient = style.backgroundImage.includes("gradient")
        ? (style.backgroundImage.match(/rgba?\\([^)]+\\)/g) || []).map(parse) : [];
      const colour = parse(style.backgroundColor);
      if (gradient.length) { layers.push(gradient); break; }
      if (colour && colour.a > 0) {
        layers.push([colour]);
        if (colour.a === 1) break;
      }
    }
    let results = [{r: 255, g: 255, b: 255, a: 1}];
    for (const layer of layers.reverse()) {
      results = layer.flatMap((top) => results.map((below) => over(top, below)));
    }
    return results;
  };

  const style = getComputedStyle(el);
  let ring = null, width = 0, outside = 0;
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1) {
    ring = parse(style.outlineColor);
    width = parseFloat(style.outlineWidth);
    outside = parseFloat(style.outlineOffset) + width / 2;
  } else if (style.boxShadow !== "none") {
    const m = /(rgba?\\([^)]+\\))\\s+(-?[\\d.]+)px\\s+(-?[\\d.]+)px\\s+([\\d.]+)px\\s+([\\d.]+)px/.exec(style.boxShadow);
    if (m) { ring = parse(m[1]); width = parseFloat(m[5]); outside = width / 2; }
  }
  const name = (el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " "
    + (el.getAttribute("aria-label") || el.textContent || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40));
  if (!ring || width < 2) return {name, problem: "no visible focus indicator"};

  const box = el.getBoundingClientRect();
  const midX = box.left + box.width / 2, midY = box.top + box.height / 2;
  const points = [[midX, box.top - outside], [midX, box.bottom + outside],
                  [box.left - outside, midY], [box.right + outside, midY]];
  let worst = null;
  for (const [x, y] of points) {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    // A ring drawn inside the element (negative offset) lies on the element's own background.
    const under = outside < 0 ? el
      : document.elementsFromPoint(x, y).find((node) => node !== el && !el.contains(node));
    if (!under) continue;
    for (const background of backgroundsOf(under)) {
      const shown = over(ring, background);
      const ratio = contrast(shown, background);
      if (!worst || ratio < worst.ratio) worst = {ratio, ring: hex(shown), background: hex(background)};
    }
  }
  if (!worst) return {name, problem: "ring outside the window"};
  return {name, ratio: Math.round(worst.ratio * 100) / 100, ring: worst.ring, background: worst.background};
}"""


def weak_focus_indicators(page) -> list[str]:
    """Tab through the whole page; every stop whose indicator is missing or below 3:1."""
    # Bootstrap scrolls smoothly, unless people ask for less motion: the focused element must
    # be in view when it is measured.
    page.emulate_media(reduced_motion="reduce")
    page.locator("body").focus()
    problems, stops = [], 0
    for _ in range(MAX_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(MEASURE_FOCUS)
        if stop is None or stop.get("again"):
            break  # back to the browser's address bar, or round again
        stops += 1
        if "problem" in stop:
            problems.append(f"{stop['name']}: {stop['problem']}")
        elif stop["ratio"] < MIN_CONTRAST:
            problems.append(
                f"{stop['name']}: {stop['ratio']}:1 ({stop['ring']} on {stop['background']})"
            )
    assert stops > 3, "the page has hardly any keyboard stop: did Tab work?"
    return problems


def test_every_focus_indicator_contrasts_with_its_background(page, live_server):
    initiative = make_initiatives()
    agent = user_with_role(AGENT, username="agent@example.org")
    for n in range(3):
        InitiativeFactory(name=f"Épicerie soumise {n}", status=Status.SUBMITTED)
    pages = [
        ("/", LAPTOP),
        ("/", PHONE),
        ("/initiatives/", LAPTOP),
        (initiative.get_absolute_url(), LAPTOP),
        ("/comptes/inscription/", LAPTOP),
        ("/comptes/login/", LAPTOP),
    ]
    problems = {}
    for path, viewport in pages:
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}{path}")
        if weak := weak_focus_indicators(page):
            problems[f"{path} @ {viewport['width']} px"] = weak

    log_in(page, live_server, agent)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/back-office/moderation/")
    if weak := weak_focus_indicators(page):
        problems["/back-office/moderation/"] = weak

    assert problems == {}

"""Whether the page's main area is narrower than a table needs, as the browser measures it.

Streamlit's tables draw their columns at fixed pixel widths on a canvas: a table that fits at 1,400 px scrolls
sideways at 1,024 px (the sidebar open), and no CSS can hide a column of it. The server cannot know the window's
width, so a small component measures the main area in the browser (a ResizeObserver) and says only when the area
crosses the width asked for; the page then draws fewer columns. Until the browser has answered (and where there is
no browser, as in AppTest) the area counts as wide: the table as it always was.
"""
from __future__ import annotations

import streamlit as st

#: Reports {"narrow": true|false} when the main area's content width (its padding left out) crosses data.wide_from,
#: compared with data.narrow, what the page was drawn for: an answer the page has already costs no run (the first
#: answer, "wide", ran every page again at 1,400 px for nothing). The host's data-narrow says what was measured.
#:
#: An answer can be lost: seen once in a full test run under load, resized to 1,400 px, the Jobs page kept its
#: narrow table for 30 s and more. The likely way: the probe stands in a fragment, and a timed fragment's run (the
#: jobs list's watch) that reaches the server just after the answer's run stops it (Streamlit's fast reruns).
#: So while the measured width still differs from what the page was last drawn for, the answer is sent again,
#: after RESEND_MS and then twice as long each time (a slow run is never cut short over and over).
#:
#: One observer per element: Streamlit calls this function again whenever the data changes (the page drawn for the
#: other width) and keeps only the last call's cleanup, so each call made its own observer, never disconnected.
_JS = """
const RESEND_MS = 5000;
export default function(component) {
  const { parentElement, data, setStateValue } = component;
  const host = parentElement.host || parentElement;
  host.setAttribute('data-drawn', String(Boolean(data.narrow)));
  let probe = host.__inlinkWidthProbe;
  if (!probe) {
    const area = host.closest('[data-testid="stMainBlockContainer"]') || document.body;
    probe = host.__inlinkWidthProbe = { sent: null, due: 0, wait: RESEND_MS };
    probe.report = () => {
      const style = getComputedStyle(area);
      const width = area.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const narrow = width < probe.wideFrom;
      host.setAttribute('data-narrow', String(narrow));
      if (narrow === (host.getAttribute('data-drawn') === 'true')) { probe.sent = null; probe.wait = RESEND_MS; return; }
      const now = Date.now();
      if (narrow === probe.sent && now < probe.due) return;
      if (narrow === probe.sent) probe.wait *= 2;
      probe.sent = narrow; probe.due = now + probe.wait;
      probe.send('narrow', narrow);
    };
    probe.observer = new ResizeObserver(() => probe.report());
    probe.observer.observe(area);
    probe.timer = setInterval(() => probe.report(), 1000);
  }
  probe.send = setStateValue;
  probe.wideFrom = data.wide_from;
  probe.report();
  return () => {
    clearInterval(probe.timer);
    probe.observer.disconnect();
    delete host.__inlinkWidthProbe;
  };
}
"""
_probe = None


def narrower_than(pixels: int, *, key: str) -> bool:
    """True once the browser said the main area is less than `pixels` wide (its last answer); False before that.
    Mounts a zero-sized element where it is called: call it in a row beside other elements (no gap of its own)."""
    global _probe
    if _probe is None:   # registered once a process: a name registered twice is a warning, and the last one wins
        _probe = st.components.v2.component("inlink.page_width", js=_JS)
    drawn = bool((st.session_state.get(key) or {}).get("narrow", False))   # its last answer, before this run's
    result = _probe(key=key, data={"wide_from": int(pixels), "narrow": drawn}, default={"narrow": False},
                    on_narrow_change=lambda: None, width="content", height=0)
    return bool(getattr(result, "narrow", False))

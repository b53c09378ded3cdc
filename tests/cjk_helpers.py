"""Find Chinese left in an English page: every visible text, label attribute and option."""
from __future__ import annotations

import re

from sqlalchemy import Connection, text

# CJK ideographs and the full-width punctuation that comes with them (，：（）、。).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")

# What a reader of the page meets: text nodes drawn on screen (HTML and SVG), the
# placeholder, title, aria-label and alt of drawn elements, and every option of a select
# or an open dropdown. Each with where it was found, for the failure message. An element
# that declares itself Chinese (lang="zh...") is skipped: that is a choice, not a miss.
COLLECT_JS = """
const out = [];
const drawn = el => {
  if (!el || !el.getClientRects().length) return false;
  const s = getComputedStyle(el);
  return s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0';
};
const where = el => (el.id ? '#' + el.id : el.tagName.toLowerCase())
  + (el.getAttribute('class') ? '.' + String(el.getAttribute('class')).split(' ')[0] : '');
// Text marked as Chinese on purpose (lang="zh" below the page's root: the switch to 中文).
const marked = el => { const l = el.closest('[lang]');
                       return l && l !== document.documentElement && l.lang.startsWith('zh'); };
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement, t = n.textContent.trim();
  if (t && drawn(el) && !marked(el) && !el.closest('script, style, noscript')) out.push([t, where(el)]);
}
for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], [alt]')) {
  if (!drawn(el) || marked(el)) continue;
  for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
    const v = el.getAttribute(a);
    if (v && v.trim()) out.push([v.trim(), where(el) + '@' + a]);
  }
}
for (const o of document.querySelectorAll('select option, [role=option]')) {
  if (o.textContent.trim()) out.push([o.textContent.trim(), 'option<' + where(o.parentElement)]);
}
return out;
"""

# Names that come from the world and have no English form: people, grids, communities
# without an English name. Chinese there is data; a run must be a whole such name or part
# of one. Streets, departments and categories have English names, so none is data here.
DATA_SQL = text("""
    select 1 where exists (select 1 from users where position(:run in display_name) > 0)
       or exists (select 1 from grids where position(:run in name_zh) > 0)
       or exists (select 1 from communities where name_en is null
                  and position(:run in name_zh) > 0)
""")


def chinese_outside_data(conn: Connection, found: list[list[str]]) -> list[tuple[str, str]]:
    """The collected texts with a CJK run that is not part of a name or text from the world."""
    bad, checked = [], {}
    for value, where in found:
        for run in CJK.findall(value):
            if run not in checked:
                checked[run] = conn.execute(DATA_SQL, {"run": run}).first() is not None
            if not checked[run]:
                bad.append((value[:80], where))
                break
    return sorted(set(bad))

// The fleet page's style and script, inlined into every page so that it stays one file with no
// server and no external assets. The script only enhances: without it the tables are complete,
// worst first.

#include "engine/report/fleet_page.h"

namespace plumb {

// Text colours are chosen for at least 4.5:1 against their backgrounds (WCAG AA); the headless
// Chromium test measures every text element of a rendered page.
const char kFleetPageStyle[] =
    "body{font:14px system-ui,sans-serif;margin:24px;color:#222;background:#fff}h1{font-size:22px}"
    "h2{font-size:17px;margin-top:28px}table{border-collapse:collapse}"
    "td,th{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}"
    "thead{display:table-header-group}tr{break-inside:avoid}a{color:#0645ad}tbody td:first-child{white-space:nowrap}"
    "th button{font:inherit;font-weight:bold;color:inherit;background:none;border:0;padding:0;cursor:pointer}"
    "th[aria-sort=ascending] button::after{content:\" \\25B2\"}th[aria-sort=descending] button::after{content:\" \\25BC\"}"
    ".figures div{display:inline-block;margin-right:18px;padding:10px 14px;border-radius:6px;background:#f3f3f3}"
    ".figures b{display:block;font-size:24px}.compliant{background:#d8f0d8}.drifted{background:#ffe2b0}"
    ".failed{background:#f7c0c0}.pending_reboot{background:#d6e4ff}.not_applicable{color:#595959}"
    ".stale{background:#e4e4e4}.controls{margin:12px 0;padding:8px 10px;background:#f3f3f3}"
    ".controls label{margin-right:14px}pre.diff{margin:4px 0;font-size:12px;white-space:pre-wrap}"
    ".diff ins{text-decoration:none;color:#0b5e0b;background:#e6f4e6}"
    ".diff del{text-decoration:none;color:#8a1010;background:#fbe9e9}"
    "@media print{.controls{display:none}body{margin:0}th[aria-sort] button::after{content:none}}";

// Filters live in the address's fragment (#node=web-*&policy=sshd&severity=high&outcome=drifted),
// so a drill-down is a link and a filtered view can be bookmarked or sent. The node filter is a
// name, or a pattern with '*'; the others are exact. In the matrix a policy filter shows that
// policy's column and the nodes it applies to (and its outcome there); a severity filter shows
// the columns of that severity.
const char kFleetPageScript[] = R"js((function () {
'use strict';
var weight = {not_applicable: 0, compliant: 1, drifted: 2, pending_reboot: 3, failed: 4};
var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: 'base'});
function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
function sortKey(cell) {
  if (cell.hasAttribute('data-sort')) return cell.getAttribute('data-sort');
  if (weight.hasOwnProperty(cell.className)) return String(weight[cell.className]);
  return cell.textContent;
}
function sortBy(table, column, descending) {
  var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows), keep = document.createDocumentFragment();
  rows.sort(function (a, b) {
    var c = collator.compare(sortKey(a.cells[column]), sortKey(b.cells[column]));
    return descending ? -c : c;
  });
  rows.forEach(function (r) { keep.appendChild(r); });
  body.appendChild(keep);
  all('th', table.tHead).forEach(function (th, i) {
    if (i === column) th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
    else th.removeAttribute('aria-sort');
  });
}
all('table.sortable').forEach(function (table) {
  all('th', table.tHead).forEach(function (th, i) {
    var button = document.createElement('button');
    button.type = 'button';
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener('click', function () {
      var now = th.getAttribute('aria-sort');
      sortBy(table, i, now ? now === 'ascending' : th.getAttribute('data-first') === 'descending');
    });
  });
});
var form = document.getElementById('filters'), names = ['node', 'policy', 'severity', 'outcome'];
function read() {
  var p = {};
  location.hash.slice(1).split('&').forEach(function (pair) {
    var i = pair.indexOf('=');
    if (i <= 0) return;
    try { p[pair.slice(0, i)] = decodeURIComponent(pair.slice(i + 1)); } catch (e) { /* not percent-encoded: ignored */ }
  });
  return p;
}
function nodeTest(pattern) {
  if (!pattern) return function () { return true; };
  var re = new RegExp('^' + pattern.split('*').map(function (s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }).join('.*') + '$', 'i');
  return function (name) { return re.test(name); };
}
function apply() {
  var p = read(), nodeOk = nodeTest(p.node), counts = {};
  names.forEach(function (n) { form.elements[n].value = p[n] || ''; });
  function outcomeOk(outcome, stale) { return !p.outcome || outcome === p.outcome || (p.outcome === 'stale' && stale); }
  function count(id, shown) { counts[id] = counts[id] || [0, 0]; counts[id][1]++; if (shown) counts[id][0]++; }
  var matrix = document.getElementById('matrix');
  if (matrix) {
    var hide = [], column = -1;
    all('th', matrix.tHead).forEach(function (th, i) {
      if (!th.hasAttribute('data-policy')) return;
      var policy = th.getAttribute('data-policy');
      if ((p.policy && policy !== p.policy) || (p.severity && th.getAttribute('data-severity') !== p.severity)) hide.push(i + 1);
      else if (p.policy) column = i;
    });
    document.getElementById('columns').textContent =
        hide.length ? hide.map(function (n) { return '#matrix tr>:nth-child(' + n + ')'; }).join(',') + '{display:none}' : '';
    all('tr', matrix.tBodies[0]).forEach(function (tr) {
      var stale = tr.hasAttribute('data-stale'), shown = nodeOk(tr.getAttribute('data-node'));
      if (shown && column >= 0) {
        var state = tr.cells[column].className;
        shown = state !== 'not_applicable' && outcomeOk(state, stale);
      } else if (shown) {
        shown = outcomeOk(tr.getAttribute('data-outcome'), stale);
      }
      tr.hidden = !shown;
      count('nodes', shown);
    });
  }
  ['by-policy', 'findings'].forEach(function (id) {
    var table = document.getElementById(id);
    if (!table) return;
    all('tr', table.tBodies[0]).forEach(function (tr) {
      function is(name) { return !p[name] || !tr.hasAttribute('data-' + name) || tr.getAttribute('data-' + name) === p[name]; }
      var shown = (!tr.hasAttribute('data-node') || nodeOk(tr.getAttribute('data-node'))) && is('policy') && is('severity') &&
                  (!tr.hasAttribute('data-outcome') || outcomeOk(tr.getAttribute('data-outcome'), false));
      tr.hidden = !shown;
      count(id, shown);
    });
  });
  var words = {nodes: 'nodes', 'by-policy': 'policies', findings: 'findings'}, parts = [];
  Object.keys(counts).forEach(function (id) { parts.push(counts[id][0] + ' of ' + counts[id][1] + ' ' + words[id]); });
  document.getElementById('shown').textContent = 'Showing ' + parts.join(', ') + '.';
}
form.hidden = false;
form.addEventListener('submit', function (e) { e.preventDefault(); });
form.addEventListener('input', function () {
  var parts = [];
  names.forEach(function (n) { if (form.elements[n].value) parts.push(n + '=' + encodeURIComponent(form.elements[n].value)); });
  history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search);
  apply();
});
window.addEventListener('hashchange', apply);
apply();
})();
)js";

}  // namespace plumb

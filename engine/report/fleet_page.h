#pragma once
/// The fleet HTML page's inline style and script (engine/report/fleet_page.cc).
///
/// The script expects what RenderFleetHtml writes: tables with class "sortable" have a <thead>
/// and one <tbody>; rows carry data-node, data-policy, data-severity, data-outcome (and
/// data-stale) where they apply; the matrix's policy headers carry data-policy and
/// data-severity; a form#filters with fields node, policy, severity and outcome, a #shown status
/// and an empty style#columns exist. A cell's data-sort, or else its standing class, or else its
/// text orders a column.

namespace plumb {

extern const char kFleetPageStyle[];
extern const char kFleetPageScript[];

}  // namespace plumb

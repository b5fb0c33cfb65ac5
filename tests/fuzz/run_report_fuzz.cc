// libFuzzer: the run-report reader of `plumb report` on arbitrary bytes, and every fleet renderer
// on what it accepts. Invariant: no crash or sanitizer report; the JSON output parses.

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/report/fleet.h"
#include "engine/report/run_digest.h"

using namespace plumb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  RunReportReader reader;
  auto run = reader.Read(std::string_view(reinterpret_cast<const char*>(data), size));
  FleetAggregator fleet;
  if (run) fleet.Add(std::move(*run), 0);
  else fleet.Skip("skipped: " + run.error().message, 0);
  FleetSummary s = std::move(fleet).Finish(1'800'000'000, 86400);
  for (FleetRenderer render : {RenderFleetCsv, RenderFleetJunit, RenderFleetHtml}) (void)RenderToString(render, s);
  std::string json = RenderToString(RenderFleetJson, s);
  if (!nlohmann::json::accept(json)) std::abort();
  return 0;
}

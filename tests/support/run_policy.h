#pragma once
/// Test support: one policy text run through the real executor (load, graph, Prepare, Run) on
/// the backends a test chose, for the tests of what a run does with its resources together.

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "engine/graph/graph.h"
#include "engine/policy/loader.h"
#include "engine/run/executor.h"

namespace plumb::testing {

/// `text` is a whole policy file. Loading, the graph and Prepare are expected to succeed.
inline RunReport RunPolicy(const std::string& text, const TypeRegistry& types, Backends& backends, const Facts& facts,
                           RunKind kind, const std::atomic<int>* interrupt) {
  Diagnostics diags;
  Repository repo;
  auto p = LoadPolicy(text, "p.toml", types, diags);
  EXPECT_TRUE(p) << (diags.All().empty() ? "" : diags.All().at(0).message);
  if (!p) return {};
  repo.policies.push_back(*p);
  auto graph = ResourceGraph::Build(repo, diags);
  EXPECT_TRUE(graph);
  if (!graph) return {};
  Executor ex(repo, *graph, types, backends, facts);
  EXPECT_TRUE(ex.Prepare(diags)) << (diags.All().empty() ? "" : diags.All().at(0).message);
  RunReport report;
  RunOptions options;
  options.kind = kind;
  options.interrupt = interrupt;
  ex.Run(options, report);
  return report;
}

}  // namespace plumb::testing

#pragma once
/// Mustache templates: the `template` property of a type that has `content` (the file type)
/// names a file of the policy repository, relative to the policy file, whose rendering for a node
/// becomes that content. The context is {{var.NAME}} (the policy's vars on the node),
/// {{data.KEY}} (the node's data layers) and {{fact.KEY}}. Values are written as they are, not
/// HTML-escaped: the output is a configuration file. A name the context lacks is an error at the
/// template's file:line:col, in a variable tag or a section tag alike (write `false` or `[]` in
/// data for a section that renders nothing).

#include <optional>
#include <string>

#include "engine/policy/datum.h"
#include "engine/util/diagnostic.h"

namespace plumb {

/// What a template is rendered with: a table of the three namespaces. `sensitive` and `secrets`
/// are dotted names ("data.db.password") that make the rendered content sensitive, or that a
/// template may not use (a secret is read only when the run starts).
struct TemplateContext {
  Datum root;
  std::vector<std::string> sensitive;
  std::vector<std::string> secrets;
};

struct RenderedTemplate {
  std::string text;
  bool sensitive = false;  ///< it used a sensitive value
};

/// Renders `text` (the template file at `path`, for messages). Problems are errors at the
/// template's file:line:col; `node` names the node in them ("" for this one).
std::optional<RenderedTemplate> RenderTemplate(const std::string& text, const std::string& path,
                                               const TemplateContext& context, const std::string& node,
                                               Diagnostics& diags);

/// Only that `text` parses as a template: what validate checks without a node.
bool CheckTemplateSyntax(const std::string& text, const std::string& path, Diagnostics& diags);

}  // namespace plumb

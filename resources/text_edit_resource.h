#pragma once
/// The resource shape of every type that edits part of a text file whose other parts belong to
/// someone else (line, block, augeas): the file is read whole (a missing one is empty and is
/// created), edited by a function of its text, and replaced atomically with its owner and mode
/// kept. Invariant: Test reports drift exactly when Edit changes the text, and Set writes what
/// Edit makes of the file as it is at that moment, never of an earlier read.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resources/registry.h"
#include "resources/resource.h"

namespace plumb {

class TextEditResource : public Resource {
 public:
  /// `policy_path` names the file in messages, `host_path` is where it is (under --root).
  TextEditResource(std::string policy_path, std::string host_path, std::optional<std::string> validate_command, Backends& b)
      : policy_path_(std::move(policy_path)), path_(std::move(host_path)), validate_command_(std::move(validate_command)), b_(b) {}

  Result<Observation> Test() override;
  std::string_view OnlyFile() const override { return validate_command_ ? std::string_view() : path_; }
  Result<std::unique_ptr<AtomicFile>> Stage(const Observation&) override { return Write(); }
  Status Set(const Observation&) override;

 protected:
  /// The whole text as it should be; an error when the file cannot be edited safely.
  virtual Result<std::string> Edit(std::string_view text) const = 0;
  /// The drift items of a text that Edit changes (at least one).
  virtual std::vector<PropertyDrift> Drift(std::string_view text) const = 0;
  /// What the type calls the file in its size message ("line and block edit").
  virtual const char* Editors() const = 0;

  const std::string& policy_path() const { return policy_path_; }

 private:
  Result<FileContent> Read();
  Result<std::unique_ptr<AtomicFile>> Write();

  std::string policy_path_;
  std::string path_;
  std::optional<std::string> validate_command_;
  Backends& b_;
};

}  // namespace plumb

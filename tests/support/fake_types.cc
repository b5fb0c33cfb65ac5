#include "tests/support/fake_types.h"

namespace plumb::testing {
namespace {

class FakeResource : public Resource {
 public:
  FakeResource(FakeScript& script, std::string property, std::string expected)
      : s_(script), property_(std::move(property)), expected_(std::move(expected)) {}

  Result<Observation> Test() override {
    ++s_.tests;
    if (s_.on_test) s_.on_test();
    if (s_.failure == FakeFailure::kTest) return Error{ErrorKind::kInternal, "fake test failed"};
    if (s_.failure == FakeFailure::kVerify && s_.sets > 0) return Error{ErrorKind::kInternal, "fake verify failed"};
    Observation obs;
    obs.not_applicable = s_.not_applicable;
    if (s_.state == FakeState::kDrifted) obs.drift.push_back({property_, expected_, "bad"});
    if (obs.compliant()) obs.reboot_pending = s_.reboot_pending;
    return obs;
  }
  Status Set(const Observation&) override {
    ++s_.sets;
    if (s_.on_set) s_.on_set();
    if (s_.failure == FakeFailure::kSet) return Error{ErrorKind::kInternal, "fake set failed"};
    if (s_.failure != FakeFailure::kNoEffect) s_.state = FakeState::kCompliant;
    return OkStatus();
  }
  Status Refresh() override {
    ++s_.refreshes;
    if (s_.failure == FakeFailure::kRefresh) return Error{ErrorKind::kInternal, "fake refresh failed"};
    return OkStatus();
  }
  Refreshable CanRefresh() const override { return s_.refreshable ? Refreshable::kYes : Refreshable::kNo; }

 private:
  FakeScript& s_;
  std::string property_;
  std::string expected_;
};

}  // namespace

TypeInfo FakeType(FakeWorld& world) {
  TypeSchema s;
  s.name = "fake";
  s.description = "scripted test resource";
  s.properties = {{"state", ValueKind::kString, Requirement::kOptional, "expected state"},
                  {"kernel", ValueKind::kString, Requirement::kOptional, "expected kernel setting (needs a reboot)",
                   {}, nullptr, RebootEffect::kRequiresReboot}};
  return {s, [&world](const ResourceSpec& spec, const Policy&, Backends&) -> Result<std::unique_ptr<Resource>> {
            std::string property = "state", expected = "good";
            if (auto p = spec.Find("state")) expected = std::get<std::string>(p->value);
            if (auto p = spec.Find("kernel")) property = "kernel", expected = std::get<std::string>(p->value);
            return std::unique_ptr<Resource>(new FakeResource(world[spec.id], property, expected));
          }};
}

}  // namespace plumb::testing

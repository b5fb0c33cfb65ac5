// Augeas through libaugeas, used only on text: aug_text_store parses, aug_text_retrieve prints.
// No handle ever loads or saves a file, so Augeas cannot follow a link or write outside what
// plumb writes itself.

#include <augeas.h>
#include <fnmatch.h>

#include <cstdlib>
#include <map>

#include "resources/system_backends.h"

namespace plumb {
namespace {

struct AugeasCloser {
  void operator()(augeas* a) const { aug_close(a); }
};
using AugeasHandle = std::unique_ptr<augeas, AugeasCloser>;

// What aug_match returns: paths that the caller frees, one by one and then the array.
class Matches {
 public:
  Matches(augeas* aug, const std::string& path) { count_ = aug_match(aug, path.c_str(), &paths_); }
  ~Matches() {
    for (int i = 0; i < count_; ++i) std::free(paths_[i]);
    std::free(paths_);
  }
  Matches(const Matches&) = delete;
  Matches& operator=(const Matches&) = delete;
  int count() const { return count_; }  ///< -1 when the path expression is not valid
  const char* operator[](int i) const { return paths_[i]; }

 private:
  char** paths_ = nullptr;
  int count_ = 0;
};

std::optional<std::string> ValueAt(augeas* aug, const char* path) {
  const char* value = nullptr;
  if (aug_get(aug, path, &value) != 1 || !value) return std::nullopt;
  return std::string(value);
}

std::string ErrorText(augeas* aug) {
  std::string out = aug_error_message(aug);
  if (const char* details = aug_error_details(aug)) out += std::string(": ") + details;
  return out;
}

std::string FirstLine(std::string s) {
  size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

constexpr const char* kInput = "/plumb/in";
constexpr const char* kOutput = "/plumb/out";

class LibAugeas : public Augeas {
 public:
  Result<AugeasEdit> Edit(const std::string& file, const std::string& lens, std::string_view text,
                          const AugeasCondition* onlyif, const std::vector<AugeasChange>& changes) override {
    std::string chosen = lens;
    augeas* aug = nullptr;
    if (lens.empty()) {
      // A lens found by autoload is named "@Module", which only a handle that loaded the
      // modules can resolve.
      auto found = AutoloadLens(file);
      if (!found) return found.error();
      chosen = *found;
      aug = autoload_.get();
    } else {
      auto plain = Handle(plain_, AUG_NO_MODL_AUTOLOAD);
      if (!plain) return plain.error();
      aug = *plain;
    }
    aug_rm(aug, "/files/*");
    aug_rm(aug, "/augeas/text/*");
    aug_rm(aug, "/plumb");
    std::string tree = AugeasTreeOf(file);
    aug_set(aug, kInput, std::string(text).c_str());
    if (aug_text_store(aug, chosen.c_str(), kInput, tree.c_str()) < 0) return LensFailure(aug, chosen, "cannot parse it");

    AugeasEdit out;
    if (onlyif) {
      auto holds = Holds(aug, *onlyif);
      if (!holds) return holds.error().Prefixed("'onlyif' '" + onlyif->text + "': ");
      if (!*holds) {
        out.text = std::string(text);
        return out;
      }
    }
    for (size_t i = 0; i < changes.size(); ++i)
      if (auto st = Apply(aug, changes[i], out.drift); !st)
        return st.error().Prefixed("change " + std::to_string(i + 1) + " '" + changes[i].text + "': ");
    if (aug_text_retrieve(aug, chosen.c_str(), kInput, tree.c_str(), kOutput) < 0)
      return LensFailure(aug, chosen, "cannot write the changed tree back");
    out.text = ValueAt(aug, kOutput).value_or("");
    return out;
  }

 private:
  Result<augeas*> Handle(AugeasHandle& slot, unsigned int extra_flags) {
    if (slot) return slot.get();
    slot.reset(aug_init("/", nullptr, AUG_NO_LOAD | AUG_NO_ERR_CLOSE | extra_flags));
    if (!slot) return Error{ErrorKind::kUnavailable, "augeas cannot start: out of memory"};
    if (aug_error(slot.get()) != AUG_NOERROR) {
      std::string message = ErrorText(slot.get());
      slot.reset();
      return Error{ErrorKind::kUnavailable, "augeas cannot start: " + message};
    }
    return slot.get();
  }

  // The transform whose incl globs (and none of whose excl globs) match the file, as aug_load
  // would choose it, found once per file and run.
  Result<std::string> AutoloadLens(const std::string& file) {
    if (auto known = lens_of_.find(file); known != lens_of_.end()) return known->second;
    auto aug = Handle(autoload_, 0);
    if (!aug) return aug.error();
    std::vector<std::string> found;
    Matches transforms(*aug, "/augeas/load/*");
    for (int i = 0; i < transforms.count(); ++i) {
      std::string xfm = transforms[i];
      auto glob = [&](const char* kind) {
        Matches globs(*aug, xfm + "/" + kind);
        for (int g = 0; g < globs.count(); ++g)
          if (auto pattern = ValueAt(*aug, globs[g]); pattern && fnmatch(pattern->c_str(), file.c_str(), FNM_PATHNAME) == 0)
            return true;
        return false;
      };
      if (glob("incl") && !glob("excl"))
        if (auto lens = ValueAt(*aug, (xfm + "/lens").c_str())) found.push_back(*lens);
    }
    if (found.empty())
      return Error{ErrorKind::kNotFound, "no Augeas lens loads '" + file + "'; name one with lens = \"Module.lns\""};
    if (found.size() > 1)
      return Error{ErrorKind::kInvalidInput,
                   "the Augeas lenses " + found[0] + " and " + found[1] + " both load '" + file + "'; name one with 'lens'"};
    return lens_of_[file] = found[0];
  }

  static Error LensFailure(augeas* aug, const std::string& lens, const std::string& what) {
    if (aug_error(aug) != AUG_NOERROR) {
      ErrorKind kind = aug_error(aug) == AUG_ENOLENS ? ErrorKind::kNotFound : ErrorKind::kInvalidInput;
      return Error{kind, "Augeas lens " + lens + " " + what + ": " + ErrorText(aug)};
    }
    std::string where, message = "no reason given";
    Matches errors(aug, "/augeas/text//error");
    if (errors.count() > 0) {
      std::string at = errors[0];
      message = FirstLine(ValueAt(aug, (at + "/message").c_str()).value_or(message));
      auto line = ValueAt(aug, (at + "/line").c_str());
      auto column = ValueAt(aug, (at + "/char").c_str());
      if (line && column) where = "line " + *line + ", column " + *column + ": ";
    }
    return Error{ErrorKind::kInvalidInput, "Augeas lens " + lens + " " + what + ": " + where + message};
  }

  static Error PathFailure(augeas* aug, const std::string& path) {
    return Error{ErrorKind::kInvalidInput, "'" + path + "' is not a valid path expression (" + ErrorText(aug) + ")"};
  }

  static Result<bool> Holds(augeas* aug, const AugeasCondition& c) {
    Matches nodes(aug, c.path);
    if (nodes.count() < 0)
      return PathFailure(aug, c.path);
    if (c.kind == AugeasCondition::Kind::kGet && nodes.count() > 1)
      return Error{ErrorKind::kInvalidInput, "'" + c.path + "' matches " + std::to_string(nodes.count()) + " nodes; get reads one"};
    std::optional<std::string> value;
    if (nodes.count() == 1) value = ValueAt(aug, nodes[0]);
    return AugeasConditionHolds(c, nodes.count(), value);
  }

  // Records what the change alters before it alters it; a change that finds the tree as it
  // wants it adds nothing.
  static Status Apply(augeas* aug, const AugeasChange& c, std::vector<PropertyDrift>& drift) {
    Matches nodes(aug, c.path);
    if (nodes.count() < 0) return PathFailure(aug, c.path);
    auto describe = [&](int i) { return ValueAt(aug, nodes[i]).value_or("(no value)"); };
    switch (c.op) {
      case AugeasChange::Op::kSet:
      case AugeasChange::Op::kClear: {
        if (nodes.count() > 1)
          return Error{ErrorKind::kInvalidInput, "'" + c.path + "' matches " + std::to_string(nodes.count()) +
                                                     " nodes; a change sets one (narrow it with [...])"};
        std::optional<std::string> want;
        if (c.op == AugeasChange::Op::kSet) want = c.value;
        std::optional<std::string> have;
        if (nodes.count() == 1) have = ValueAt(aug, nodes[0]);
        if (nodes.count() == 1 && have == want) return OkStatus();
        drift.push_back({c.path, want.value_or("(no value)"), nodes.count() == 0 ? "(absent)" : describe(0)});
        if (aug_set(aug, c.path.c_str(), want ? want->c_str() : nullptr) < 0)
          return Error{ErrorKind::kInvalidInput, ErrorText(aug)};
        return OkStatus();
      }
      case AugeasChange::Op::kRm:
        if (nodes.count() == 0) return OkStatus();
        drift.push_back({c.path, "(absent)", nodes.count() == 1 ? describe(0) : std::to_string(nodes.count()) + " nodes"});
        aug_rm(aug, c.path.c_str());
        return OkStatus();
      case AugeasChange::Op::kIns: {
        if (nodes.count() != 1)
          return Error{ErrorKind::kInvalidInput,
                       "'" + c.path + "' matches " + std::to_string(nodes.count()) + " nodes; ins needs exactly one"};
        bool before = c.side == AugeasChange::Side::kBefore;
        const char* side = before ? "before" : "after";
        std::string node = nodes[0];
        Matches beside(aug, node + (before ? "/preceding-sibling::*[1]" : "/following-sibling::*[1]"));
        const char* label = nullptr;
        if (beside.count() == 1 && aug_label(aug, beside[0], &label) == 1 && label && c.value == label) return OkStatus();
        drift.push_back({c.path, "a node " + c.value + " " + side + " it",
                         label ? "a node " + std::string(label) + " " + side + " it" : std::string("nothing ") + side + " it"});
        if (aug_insert(aug, node.c_str(), c.value.c_str(), before ? 1 : 0) < 0)
          return Error{ErrorKind::kInvalidInput, ErrorText(aug)};
        return OkStatus();
      }
    }
    return OkStatus();
  }

  AugeasHandle plain_;     ///< loads only the modules that named lenses need: milliseconds
  AugeasHandle autoload_;  ///< every module with an autoload transform: about a second, once
  std::map<std::string, std::string> lens_of_;
};

}  // namespace

std::unique_ptr<Augeas> MakeSystemAugeas() { return std::make_unique<LibAugeas>(); }

}  // namespace plumb

#pragma once
/// The run journal: what plumb must not forget between runs and across reboots — armed reboot
/// barriers and why, refreshes still owed to notified resources, the reboot schedule and the
/// reboots already made. Stored as versioned JSON with a checksum in the state folder.
/// Invariants: a journal is only ever replaced whole (atomic write, previous generation kept
/// beside it); a file that fails its checksum or schema is never trusted, only reported.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/report/outcome.h"
#include "engine/util/result.h"
#include "engine/os/filesystem.h"

namespace plumb {

/// The barrier of the OS's own pending reboot, as journal entries name it.
constexpr const char* kOsBarrier = "os";

enum class BarrierState {
  kArmed,       ///< the change is made; it takes effect after the next reboot
  kNotCleared,  ///< a reboot happened and the need is still there: never reboot again for it
};

struct JournalBarrier {
  std::string resource;  ///< "policy/resource", or kOsBarrier
  std::string cause;     ///< e.g. "property 'GRUB_CMDLINE_LINUX' changed"
  int64_t armed_at = 0;  ///< Unix seconds
  std::string boot_id;   ///< the boot during which it was armed
  BarrierState state = BarrierState::kArmed;
  std::string evidence;  ///< for kNotCleared: what was still found after the reboot
};


struct RebootAttempt {
  int64_t at = 0;
  std::string boot_id;              ///< the boot that was ended
  std::vector<std::string> causes;  ///< barrier resources it was for
};

struct Journal {
  static constexpr const char* kSchema = "plumb.journal/1";
  std::string run_id;         ///< the last run that wrote it
  std::string policy_digest;  ///< of the policies that armed the barriers
  std::string boot_id;        ///< boot of the last run
  std::vector<JournalBarrier> barriers;
  std::map<std::string, std::vector<std::string>> pending_refreshes;  ///< target -> notified by
  size_t done = 0;            ///< resources finished by the run that wrote it
  size_t total = 0;
  RebootState reboot = RebootState::kNone;
  int64_t scheduled_at = 0;   ///< Unix seconds, when kScheduled / kPostponed
  std::string reason;         ///< why scheduled, postponed, not allowed or cancelled
  std::string last_outcome;   ///< of the last `plumb reboot --execute` or resume
  std::vector<RebootAttempt> attempts;  ///< reboots plumb started for this policy digest
  std::string drained_node;   ///< cluster node drained before the reboot, resumed after it

  JournalBarrier* FindBarrier(const std::string& resource);
  /// Armed barriers (not the ones a reboot failed to clear).
  std::vector<const JournalBarrier*> Armed() const;
  /// Nothing pending: no barrier, no refresh, no reboot record worth keeping.
  bool Idle() const;
};

std::string SerializeJournal(const Journal& j);
/// Fails with the reason ("not JSON: ...", "checksum mismatch", "unknown schema ...").
Result<Journal> ParseJournal(const std::string& text);

/// Where the journal lives and how it is replaced. Every commit keeps the previous generation in
/// `<path>.prev`, so a journal damaged outside plumb can be recovered from one step back.
class JournalStore {
 public:
  JournalStore(FileSystem& fs, std::string state_dir);

  struct Loaded {
    Journal journal;
    std::string warning;  ///< "" unless the journal was corrupt (what was done about it)
  };
  /// The current journal (empty when there is none). A corrupt file is moved aside to
  /// `<path>.corrupt` and the previous generation used when it is intact.
  Loaded Load();
  /// Durably replaces the journal.
  Status Commit(const Journal& j);
  /// Removes the journal (and its previous generation) once nothing is pending.
  Status Clear();

  const std::string& path() const { return path_; }

 private:
  FileSystem& fs_;
  std::string path_;
  std::string last_text_;  ///< what is on disk now, "" when nothing
};

/// Test hook: counts steps of a run and kills the process at step N (PLUMB_TEST_CRASH_AT).
/// Inactive (never kills) unless constructed with a step number.
class CrashPoints {
 public:
  using Kill = void (*)();
  CrashPoints() = default;
  CrashPoints(int at_step, Kill kill) : at_(at_step), kill_(kill) {}
  /// Marks one step; kills the process when it is the chosen one.
  void Step(const char* what);
  int steps() const { return count_; }

 private:
  int at_ = 0;
  int count_ = 0;
  Kill kill_ = nullptr;
};

}  // namespace plumb

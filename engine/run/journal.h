#pragma once
/// The run journal: what plumb must not forget between runs and across reboots — armed reboot
/// barriers and why, refreshes still owed to notified resources, the reboot schedule and the
/// reboots already made. Stored as versioned JSON with a checksum in the state folder.
/// Invariants: a journal is only ever replaced whole (atomic write, previous generation kept
/// beside it); a file that fails its checksum or schema is never trusted, only reported.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/report/outcome.h"
#include "engine/util/result.h"
#include "engine/os/filesystem.h"

namespace plumb {

/// Bounds of what JournalStore reads: a journal larger or more deeply nested than this is refused
/// (the size unread), never parsed into memory or walked recursively.
constexpr uint64_t kMaxJournalBytes = 16ull << 20;
constexpr int kMaxJournalDepth = 32;

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

/// What a run remembers, with the operations that keep it consistent. Every change goes through
/// one of them; the executor, the reboot lifecycle and the use cases never edit fields.
/// Invariants: at most one barrier per resource; a refresh is owed to a target only while some
/// resource that notified it is listed; scheduled_at is non-zero exactly when the reboot is
/// scheduled or postponed; an attempt is recorded before the reboot it stands for starts.
class Journal {
 public:
  static constexpr const char* kSchema = "plumb.journal/1";

  // What the journal says.
  const std::string& run_id() const { return run_id_; }  ///< the last run that wrote it
  const std::string& policy_digest() const { return policy_digest_; }  ///< of the policies that armed the barriers
  const std::string& boot_id() const { return boot_id_; }  ///< boot of the last run
  const std::vector<JournalBarrier>& barriers() const { return barriers_; }
  /// target -> the resources that notified it
  const std::map<std::string, std::vector<std::string>>& pending_refreshes() const { return pending_refreshes_; }
  size_t done() const { return done_; }  ///< resources finished by the run that wrote it
  size_t total() const { return total_; }
  RebootState reboot() const { return reboot_; }
  int64_t scheduled_at() const { return scheduled_at_; }  ///< Unix seconds, when scheduled / postponed
  const std::string& reason() const { return reason_; }  ///< why scheduled, postponed, not allowed or cancelled
  const std::string& last_outcome() const { return last_outcome_; }  ///< of the last reboot --execute or resume
  const std::vector<RebootAttempt>& attempts() const { return attempts_; }  ///< for this policy digest
  const std::string& drained_node() const { return drained_node_; }  ///< drained before the reboot
  /// The [reboot.lock] group whose slot this node holds ("" when none): taken before the reboot,
  /// released by the resume after it. Recorded so that a kill or a reboot between the steps
  /// neither leaks the slot nor takes it twice.
  const std::string& lock_held() const { return lock_held_; }

  const JournalBarrier* FindBarrier(const std::string& resource) const;
  /// Armed barriers (not the ones a reboot failed to clear).
  std::vector<const JournalBarrier*> Armed() const;
  /// Nothing pending: no barrier, no refresh, no reboot record worth keeping.
  bool Idle() const;
  /// The reboot is scheduled or postponed.
  bool Scheduled() const;
  /// A reboot happened since a barrier was armed or since plumb started one: the current boot
  /// `boot` differs from the one they were recorded in.
  bool RebootedSince(const std::string& boot) const;

  // A run.
  /// Starts a run: who writes the journal now, for which policies, in which boot.
  void BeginRun(std::string run_id, std::string policy_digest, std::string boot_id);
  void SetProgress(size_t done, size_t total);
  /// The policies changed since the journal was written: barriers armed in an earlier boot, and
  /// those a reboot did not clear, belong to the old policies; the reboot budget starts again.
  void PoliciesChanged(const std::string& boot);
  /// Forgets barriers (but the OS's) and refreshes of resources that `known` says are gone.
  void ForgetUnknown(const std::function<bool(const std::string&)>& known);

  // Barriers.
  /// Arms `resource`'s barrier, replacing any it had.
  void Arm(const std::string& resource, std::string cause, int64_t at, std::string boot_id);
  /// Removes `resource`'s barrier; false when it had none.
  bool ClearBarrier(const std::string& resource);
  /// A reboot did not clear `resource`'s barrier: plumb never reboots for it again.
  void MarkNotCleared(const std::string& resource, std::string evidence);

  // Refreshes.
  void OweRefresh(const std::string& target, const std::string& by);
  /// Takes back what `by` owed `target` (its change did not happen).
  void WithdrawRefresh(const std::string& target, const std::string& by);
  /// The refresh of `target` is done; false when none was owed.
  bool PayRefresh(const std::string& target);

  // The reboot schedule.
  void Schedule(int64_t at, std::string reason);
  void Postpone(int64_t at, std::string reason);
  /// No reboot will be scheduled, and why.
  /// kNotAllowed, or kInImage for an offline root (nothing to schedule here).
  void RefuseReboot(std::string reason, RebootState state = RebootState::kNotAllowed);
  void Cancel(std::string reason);
  /// Nothing scheduled and no reason: the one place the schedule is reset.
  void Unschedule();
  /// Records the attempt and the kRebooting state before the reboot starts.
  void RecordRebootAttempt(int64_t at, std::string boot_id, std::vector<std::string> causes);
  /// The reboot did not start after all: the attempt is taken back.
  void UndoRebootAttempt();
  void SetLastOutcome(std::string outcome) { last_outcome_ = std::move(outcome); }
  void Drained(std::string node) { drained_node_ = std::move(node); }
  void Resumed() { drained_node_.clear(); }
  void LockTaken(std::string group) { lock_held_ = std::move(group); }
  void LockReleased() { lock_held_.clear(); }

 private:
  friend std::string SerializeJournal(const Journal& j);
  friend Result<Journal> ParseJournal(const std::string& text);

  std::string run_id_;
  std::string policy_digest_;
  std::string boot_id_;
  std::vector<JournalBarrier> barriers_;
  std::map<std::string, std::vector<std::string>> pending_refreshes_;
  size_t done_ = 0;
  size_t total_ = 0;
  RebootState reboot_ = RebootState::kNone;
  int64_t scheduled_at_ = 0;
  std::string reason_;
  std::string last_outcome_;
  std::vector<RebootAttempt> attempts_;
  std::string drained_node_;
  std::string lock_held_;
};

std::string SerializeJournal(const Journal& j);
/// Fails (kind kCorrupt) with the reason ("not a JSON object (truncated?)", "checksum mismatch",
/// "unknown schema ...", "nested deeper than 32 levels", "malformed: 'armed_at' is not an integer").
/// Every field is read with its type checked; nothing in `text` can make it throw or crash.
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
  /// The current journal (empty when there is none). A corrupt file (it reads, but fails its
  /// checksum or schema) is moved aside to `<path>.corrupt` and the previous generation used when
  /// it is intact. A journal that is there but cannot be read (permission denied, a folder or FIFO
  /// in its place, an I/O error) is an error of the read's kind, never taken for "no journal":
  /// committing over it would lose the armed barriers and the reboot budget.
  Result<Loaded> Load();
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

}  // namespace plumb

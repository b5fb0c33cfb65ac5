// plumb schedule [install | show | remove]: the node's recurring tasks.

#include <cstdio>

#include "engine/cli/session.h"
#include "engine/schedule/agent_tasks.h"

namespace plumb {

int ScheduleCommand(Session& s, const std::string& action) {
  if (!s.Load(false, PolicyCache::kOff, NodeValues::kCheckNames)) return *s.Checked(false);
  std::string state_dir = s.StateDir(s.repo().agent);
  TaskInstaller& installer = s.Installer();
  std::string record = state_dir + "/schedule";
  if (action == "show") {
    std::fputs(RenderRecorded(RecordedSchedule(installer, record)).c_str(), stdout);
    return ToInt(ExitCode::kCompliant);
  }
  LockResult lock = s.Lock(state_dir);
  if (!lock.lock) return Session::LockFailed(lock);
  std::vector<AgentTask> tasks = PlanAgentTasks(s.repo().agent, SelfExecutable(), s.CommonArgs(state_dir, RootArg::kInclude));
  auto done = action == "remove" ? RemoveSchedule(installer, s.fs(), record)
                                 : InstallSchedule(installer, s.fs(), record,
                                                   CurrentPlatform() == Platforms::kWindows ? RenderWindowsTasks(tasks)
                                                                                            : RenderSystemdTasks(tasks));
  if (!done) {
    s.log().error("cannot {} the schedule: {}", action, done.error().message);
    return ToInt(ExitCode::kFailed);
  }
  if (action == "remove" && done->removed.empty()) {
    std::printf("plumb schedule: nothing installed\n");
  } else {
    std::printf("%s\n%s", DescribeOutcome(*done).c_str(), action == "remove" ? "" : DescribeTasks(tasks).c_str());
  }
  return ToInt(ExitCode::kCompliant);
}

}  // namespace plumb

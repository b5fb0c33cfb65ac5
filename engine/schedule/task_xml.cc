#include "engine/schedule/task_xml.h"

#include <tinyxml2.h>

namespace plumb {

std::string QuoteWindowsArgument(const std::string& arg) {
  if (!arg.empty() && arg.find_first_of(" \t\"") == std::string::npos) return arg;
  std::string out = "\"";
  size_t backslashes = 0;
  for (char c : arg) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    // Backslashes are literal unless they precede a quote: then each one doubles.
    out.append(c == '"' ? backslashes * 2 + 1 : backslashes, '\\');
    backslashes = 0;
    out += c;
  }
  out.append(backslashes * 2, '\\');
  return out + "\"";
}

std::string RenderTaskXml(const TaskDefinition& task) {
  tinyxml2::XMLDocument doc;
  doc.InsertEndChild(doc.NewDeclaration("xml version=\"1.0\" encoding=\"UTF-16\""));
  auto* root = doc.NewElement("Task");
  root->SetAttribute("version", "1.2");
  root->SetAttribute("xmlns", "http://schemas.microsoft.com/windows/2004/02/mit/task");
  doc.InsertEndChild(root);
  auto add = [&](tinyxml2::XMLElement* parent, const char* name, const std::string& text = "") {
    auto* e = doc.NewElement(name);
    if (!text.empty()) e->SetText(text.c_str());
    parent->InsertEndChild(e);
    return e;
  };
  auto* info = add(root, "RegistrationInfo");
  add(info, "Author", "plumb");
  add(info, "Description", task.description);
  auto* triggers = add(root, "Triggers");
  auto delay = [&](tinyxml2::XMLElement* t) {
    if (!task.random_delay.empty()) add(t, "RandomDelay", task.random_delay);
  };
  if (task.trigger == TaskTrigger::kOnce || task.trigger == TaskTrigger::kRepeat) {
    auto* t = add(triggers, "TimeTrigger");
    if (task.trigger == TaskTrigger::kRepeat) add(add(t, "Repetition"), "Interval", task.repeat_every);
    add(t, "StartBoundary", task.start_local);
    add(t, "Enabled", "true");
    delay(t);
  } else if (task.trigger == TaskTrigger::kWeekly) {
    static const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    for (const auto& w : task.weekly) {
      auto* t = add(triggers, "CalendarTrigger");
      add(t, "StartBoundary", w.start_local);
      add(t, "Enabled", "true");
      delay(t);
      auto* week = add(t, "ScheduleByWeek");
      auto* days = add(week, "DaysOfWeek");
      for (int d = 0; d < 7; ++d)
        if (w.days & (1 << d)) add(days, kDays[d]);
      add(week, "WeeksInterval", "1");
    }
  } else {
    auto* t = add(triggers, "BootTrigger");
    add(t, "Enabled", "true");
    add(t, "Delay", "PT1M");  // let the network and the cluster service come up first
  }
  auto* principal = add(add(root, "Principals"), "Principal");
  principal->SetAttribute("id", "System");
  add(principal, "UserId", "S-1-5-18");
  add(principal, "RunLevel", "HighestAvailable");
  auto* settings = add(root, "Settings");
  add(settings, "MultipleInstancesPolicy", "IgnoreNew");
  add(settings, "DisallowStartIfOnBatteries", "false");
  add(settings, "StopIfGoingOnBatteries", "false");
  add(settings, "StartWhenAvailable", "true");
  add(settings, "ExecutionTimeLimit", task.time_limit);
  add(settings, "Enabled", "true");
  auto* actions = add(root, "Actions");
  actions->SetAttribute("Context", "System");
  auto* exec = add(actions, "Exec");
  add(exec, "Command", task.command);
  std::string args;
  for (const auto& a : task.arguments) args += (args.empty() ? "" : " ") + QuoteWindowsArgument(a);
  if (!args.empty()) add(exec, "Arguments", args);
  tinyxml2::XMLPrinter printer;
  doc.Print(&printer);
  return printer.CStr();
}

}  // namespace plumb

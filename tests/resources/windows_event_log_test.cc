// windows.event_log: the XPath it asks for, Event XML parsing (tests/data/windows-events, written
// to the Event schema because Wine's event log API is a stub), counting, data filters and findings.
#include "resources/windows_event_log.h"

#include <gtest/gtest.h>

#include "engine/util/read_file.h"
#include "tests/support/windows_fixture.h"

namespace plumb {
namespace {

std::string Fixture(const std::string& name) {
  auto text = ReadWholeFile(std::string(PLUMB_SOURCE_DIR) + "/tests/data/windows-events/" + name);
  EXPECT_TRUE(text) << name;
  return text ? *text : "";
}

TEST(EventXml, XPathAsksTheLogForOneProviderIdAndPeriod) {
  EXPECT_EQ(EventQueryXPath({"System", "Service Control Manager", 7031, 30 * 86400}),
            "*[System[Provider[@Name='Service Control Manager'] and (EventID=7031) and "
            "TimeCreated[timediff(@SystemTime) <= 2592000000]]]");
  EXPECT_EQ(EventQueryXPath({"Application", "O'Brien", 1, 60}),
            "*[System[Provider[@Name=\"O'Brien\"] and (EventID=1) and TimeCreated[timediff(@SystemTime) <= 60000]]]");
}

TEST(EventXml, ParsesAServiceCrashWithTheKeyNameFromBinary) {
  auto e = ParseEventXml(Fixture("7031-lanmanserver-1.xml"));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->provider, "Service Control Manager");
  EXPECT_EQ(e->id, 7031u);
  EXPECT_EQ(e->time, "2026-11-20T03:14:07.805346700Z");
  EXPECT_EQ(e->computer, "hv2.corp.example");
  using D = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(e->data, (D{{"param1", "Server"},
                        {"param2", "2"},
                        {"param3", "60000"},
                        {"param4", "1"},
                        {"param5", "Restart the service"},
                        {"binary", "LanmanServer"}}));
}

TEST(EventXml, MalformedEventsSayWhatIsMissing) {
  EXPECT_EQ(ParseEventXml("<Event><System>").error().message, "event XML does not parse (line 1: XML_ERROR_MISMATCHED_ELEMENT)");
  EXPECT_EQ(ParseEventXml("<Event>\n<System></Sys>").error().message,
            "event XML does not parse (line 2: XML_ERROR_MISMATCHED_ELEMENT)");
  EXPECT_EQ(ParseEventXml("<Events/>").error().message, "event XML has no <Event> root");
  EXPECT_EQ(ParseEventXml("<Event/>").error().message, "event XML has no <System> element");
  EXPECT_EQ(ParseEventXml("<Event><System><EventID>x</EventID></System></Event>").error().message,
            "event XML has no numeric <EventID>");
  EXPECT_EQ(ParseEventXml("<Event><System><EventID>7031</EventID></System></Event>").error().message,
            "event XML has no TimeCreated/@SystemTime");
}

class EventLogTest : public testing::WindowsFixture {
 protected:
  EventLogTest() {
    const std::string crash = "System/Service Control Manager/7031";
    events_.events = {{crash, Fixture("7031-lanmanserver-1.xml")},
                      {crash, Fixture("7031-spooler.xml")},
                      {crash, Fixture("7031-lanmanserver-2.xml")},
                      {"System/Service Control Manager/7036", Fixture("7036-lanmanserver-stopped.xml")},
                      {"System/Microsoft-Windows-FailoverClustering/5377", Fixture("5377-gum.xml")}};
  }

  std::unique_ptr<Resource> Make(const std::string& body) {
    return WindowsFixture::Make("windows.event_log", "enforcement = \"audit\"\n" + body);
  }
};

TEST_F(EventLogTest, CountsTheServersCrashesWithTimeAndData) {
  auto obs = Make("log = \"System\"\nprovider = \"Service Control Manager\"\nevent_id = 7031\n"
                  "data = \"lanmanserver\"\nwithin = \"30d\"\n")->Test();
  ASSERT_TRUE(obs) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(DescribeDrift(obs->drift[0]),
            "events: expected 'at most 0 in 30d', actual '2 in 30d, newest 2026-11-20T03:14:07.805346700Z'");
  EXPECT_EQ(obs->note,
            "Service Control Manager 7031, 2 in 30d: 2026-11-20T03:14:07.805346700Z [param1=Server, param2=2, "
            "param3=60000, param4=1, param5=Restart the service, binary=LanmanServer]; 2026-11-18T22:01:55.1234567Z "
            "[param1=Server, param2=1, param3=60000, param4=1, param5=Restart the service, binary=LanmanServer]");
  ASSERT_EQ(events_.queries.size(), 1u);
  EXPECT_EQ(events_.queries[0].within_s, 30 * 86400);
}

TEST_F(EventLogTest, DataMatchesTheServiceNameInTheNameSlashStateBinaryOf7036) {
  auto obs = Make("log = \"System\"\nprovider = \"Service Control Manager\"\nevent_id = 7036\n"
                  "data = \"lanmanserver\"\n")->Test();
  ASSERT_TRUE(obs) << obs.error().message;
  ASSERT_EQ(obs->drift.size(), 1u);
  EXPECT_EQ(obs->note, "Service Control Manager 7036, 1 in 1d: 2026-11-20T03:14:06.1000000Z [param1=Server, "
                       "param2=stopped, binary=LanmanServer/1]");
  EXPECT_TRUE(Make("log = \"System\"\nprovider = \"Service Control Manager\"\nevent_id = 7036\n"
                   "data = \"lanman\"\n")->Test()->compliant());
}

TEST_F(EventLogTest, WithinTheToleratedCountIsCompliantButStillShowsFindings) {
  auto obs = Make("log = \"System\"\nprovider = \"Microsoft-Windows-FailoverClustering\"\nevent_id = 5377\n"
                  "max_count = 1\n")->Test();
  ASSERT_TRUE(obs);
  EXPECT_TRUE(obs->compliant());
  EXPECT_EQ(obs->note, "Microsoft-Windows-FailoverClustering 5377, 1 in 1d: 2026-11-21T01:02:03.4567890Z "
                       "[OperationName=GumUpdate, ThresholdSeconds=110]");
  auto all = Make("log = \"System\"\nprovider = \"Service Control Manager\"\nevent_id = 7031\n")->Test();
  EXPECT_EQ(DescribeDrift(all->drift[0]),
            "events: expected 'at most 0 in 1d', actual '3 in 1d, newest 2026-11-20T03:14:07.805346700Z'");
  auto none = Make("log = \"System\"\nprovider = \"Service Control Manager\"\nevent_id = 7034\n")->Test();
  EXPECT_TRUE(none->compliant());
  EXPECT_EQ(none->note, "");
}

TEST_F(EventLogTest, ErrorsAreClearAndAuditOnly) {
  events_.error = "EvtQuery: The specified channel could not be found. (15007)";
  auto r = Make("log = \"Sytem\"\nprovider = \"Service Control Manager\"\nevent_id = 7031\n");
  EXPECT_EQ(r->Test().error().message,
            "cannot read the Sytem event log: EvtQuery: The specified channel could not be found. (15007)");
  EXPECT_EQ(r->Set({}).error().message, "windows.event_log only reports; set enforcement = \"audit\"");
  events_.error.clear();
  events_.events = {{"System/Service Control Manager/7031", "<Event><System>"}};
  auto system = Make("log = \"System\"\nprovider = \"Service Control Manager\"\nevent_id = 7031\n");
  EXPECT_EQ(system->Test().error().message, "event XML does not parse (line 1: XML_ERROR_MISMATCHED_ELEMENT)");
  EXPECT_EQ(Errors("windows.event_log", "log = \"System\"\nprovider = \"x\"\nevent_id = 70000\nwithin = \"soon\"\nmax_count = -1\n"),
            (std::vector<std::string>{"property 'event_id' expects an event id, 0 to 65535",
                                      "property 'within' expects a duration like \"30m\", \"12h\" or \"7d\"",
                                      "property 'max_count' expects 0 or more"}));
}

}  // namespace
}  // namespace plumb

#include "engine/engine_faults.hpp"

#include <chrono>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace revaer {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Every list the sink received.
struct RecordingSink {
  std::vector<std::vector<EngineFault>> reports;

  EngineFaultSink sink() {
    return [this](const std::vector<EngineFault>& faults) { reports.push_back(faults); };
  }
};

TEST(EngineFaults, ReportsEachChange) {
  RecordingSink recorded;
  EngineFaults faults(recorded.sink());

  faults.raise("storage b", "disk full");
  faults.raise("listen TCP 127.0.0.1:6881", "port taken");
  faults.raise("storage b", "disk full");  // unchanged: no report
  faults.raise("storage b", "read-only");

  ASSERT_EQ(recorded.reports.size(), 3u);
  const std::vector<EngineFault>& last = recorded.reports.back();
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0].key, "listen TCP 127.0.0.1:6881");  // sorted by key
  EXPECT_EQ(last[1].key, "storage b");
  EXPECT_EQ(last[1].reason, "read-only");
}

TEST(EngineFaults, ClearReportsRemainingFaults) {
  RecordingSink recorded;
  EngineFaults faults(recorded.sink());
  faults.raise("a", "first");
  faults.raise("b", "second");

  EXPECT_TRUE(faults.clear("a"));
  EXPECT_FALSE(faults.clear("a"));
  ASSERT_EQ(recorded.reports.size(), 3u);
  ASSERT_EQ(recorded.reports.back().size(), 1u);
  EXPECT_EQ(recorded.reports.back()[0].key, "b");

  faults.clear_all();
  EXPECT_TRUE(recorded.reports.back().empty());
  faults.clear_all();  // nothing left: no report
  EXPECT_EQ(recorded.reports.size(), 4u);
  EXPECT_FALSE(faults.contains("b"));
}

TEST(EngineFaults, SinkExceptionIsContained) {
  EngineFaults faults([](const std::vector<EngineFault>&) { throw std::runtime_error("down"); });
  EXPECT_NO_THROW(faults.raise("a", "reason"));
  EXPECT_TRUE(faults.contains("a"));
}

class LoopGuardTest : public ::testing::Test {
 protected:
  MonotonicClock clock() {
    return [this] { return now_; };
  }

  MonotonicTime now_{seconds(1000)};
  RecordingSink recorded_;
  EngineFaults faults_{recorded_.sink()};
};

TEST_F(LoopGuardTest, ExceptionRaisesFaultWithBackoff) {
  LoopGuard guard(faults_, "alert_loop", "test loop", clock());
  const auto fail = [] { throw std::runtime_error("session gone"); };

  const milliseconds expected[] = {seconds(1), seconds(2), seconds(4), seconds(8),
                                   seconds(16), seconds(32), seconds(60), seconds(60)};
  for (const milliseconds pause : expected) {
    EXPECT_EQ(guard.run(fail), pause);
    now_ += pause;  // the caller waits the pause
  }
  ASSERT_TRUE(faults_.contains("alert_loop"));
  EXPECT_EQ(faults_.current()[0].reason, "test loop failed: session gone");
  EXPECT_EQ(recorded_.reports.size(), 1u);  // one report while the reason stays
}

TEST_F(LoopGuardTest, SuccessClearsFaultAndBackoff) {
  LoopGuard guard(faults_, "alert_loop", "test loop", clock());
  int runs = 0;
  const auto fail = [] { throw std::runtime_error("boom"); };
  const auto succeed = [&runs] { ++runs; };

  EXPECT_EQ(guard.run(succeed), milliseconds::zero());
  EXPECT_TRUE(recorded_.reports.empty());

  EXPECT_EQ(guard.run(fail), seconds(1));
  now_ += seconds(1);
  EXPECT_EQ(guard.run(fail), seconds(2));
  now_ += seconds(2);
  EXPECT_EQ(guard.run(succeed), milliseconds::zero());
  EXPECT_EQ(runs, 2);
  EXPECT_FALSE(faults_.contains("alert_loop"));
  ASSERT_EQ(recorded_.reports.size(), 2u);
  EXPECT_TRUE(recorded_.reports.back().empty());

  EXPECT_EQ(guard.run(fail), seconds(1));  // the back-off starts over
}

}  // namespace
}  // namespace revaer

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "api/qbit/qbit_sessions.hpp"

namespace revaer::test {
namespace {

using std::chrono::seconds;

TEST(QbitSessions, CreateTouchAndRemove) {
  QbitSessions sessions(seconds(60), 8);
  QbitSessions::Clock::time_point now{};
  std::string id = sessions.create("admin", now);

  EXPECT_EQ(id.size(), 64u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(sessions.create("admin", now), id);
  EXPECT_EQ(sessions.touch(id, now + seconds(30)), "admin");
  // The idle time started again at the touch.
  EXPECT_EQ(sessions.touch(id, now + seconds(80)), "admin");
  EXPECT_FALSE(sessions.touch("unknown", now));

  sessions.remove(id);
  EXPECT_FALSE(sessions.touch(id, now + seconds(81)));
  EXPECT_EQ(sessions.size(), 1u);
}

TEST(QbitSessions, ExpireAfterIdleTimeout) {
  QbitSessions sessions(seconds(60), 8);
  QbitSessions::Clock::time_point now{};
  std::string id = sessions.create("admin", now);

  EXPECT_FALSE(sessions.touch(id, now + seconds(61)));
  EXPECT_EQ(sessions.size(), 0u);
}

TEST(QbitSessions, EvictLeastRecentlyUsed) {
  QbitSessions sessions(seconds(3600), 2);
  QbitSessions::Clock::time_point now{};
  std::string first = sessions.create("a", now);
  std::string second = sessions.create("b", now);
  ASSERT_EQ(sessions.touch(first, now), "a");  // second is now the oldest

  std::string third = sessions.create("c", now);
  EXPECT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions.touch(first, now), "a");
  EXPECT_FALSE(sessions.touch(second, now));
  EXPECT_EQ(sessions.touch(third, now), "c");
}

TEST(QbitSessions, FindSidCookie) {
  EXPECT_EQ(find_sid_cookie("SID=abc"), "abc");
  EXPECT_EQ(find_sid_cookie("theme=dark; SID=abc; other=1"), "abc");
  EXPECT_EQ(find_sid_cookie("XSID=abc"), "");
  EXPECT_EQ(find_sid_cookie(""), "");
}

}  // namespace
}  // namespace revaer::test

#include "core/request_scope.hpp"

#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace revaer {
namespace {

TEST(RequestScope, EmptyOutsideScope) { EXPECT_EQ(current_request_id(), ""); }

TEST(RequestScope, NestedScopesRestore) {
  {
    const RequestScope outer("outer");
    EXPECT_EQ(current_request_id(), "outer");
    {
      const RequestScope inner("inner");
      EXPECT_EQ(current_request_id(), "inner");
    }
    EXPECT_EQ(current_request_id(), "outer");
  }
  EXPECT_EQ(current_request_id(), "");
}

TEST(RequestScope, OtherThreadsUnaffected) {
  const RequestScope scope("main-thread");
  std::string seen = "unset";
  std::thread other([&] { seen = current_request_id(); });
  other.join();
  EXPECT_EQ(seen, "");
  EXPECT_EQ(current_request_id(), "main-thread");
}

}  // namespace
}  // namespace revaer

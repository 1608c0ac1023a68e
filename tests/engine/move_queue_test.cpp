#include "engine/libtorrent/move_queue.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace revaer {
namespace {

std::vector<std::string> ids_of(const std::vector<StorageMove>& moves) {
  std::vector<std::string> ids;
  for (const StorageMove& move : moves) ids.push_back(move.id);
  return ids;
}

TEST(MoveQueue, RunsUpToLimitThenWaits) {
  MoveQueue queue(2);
  EXPECT_TRUE(queue.request("a", "/x"));
  EXPECT_TRUE(queue.request("b", "/x"));
  EXPECT_FALSE(queue.request("c", "/x"));
  EXPECT_FALSE(queue.request("d", "/y"));
  EXPECT_EQ(queue.running(), 2u);
  EXPECT_EQ(queue.waiting(), 2u);

  const std::vector<StorageMove> started = queue.finish("a");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].id, "c");
  EXPECT_EQ(started[0].target, "/x");
  EXPECT_EQ(ids_of(queue.finish("b")), std::vector<std::string>{"d"});
  EXPECT_EQ(queue.waiting(), 0u);
}

TEST(MoveQueue, LaterRequestReplacesWaitingTarget) {
  MoveQueue queue(1);
  EXPECT_TRUE(queue.request("a", "/first"));
  EXPECT_FALSE(queue.request("b", "/first"));
  EXPECT_FALSE(queue.request("b", "/second"));
  EXPECT_EQ(queue.waiting(), 1u);

  const std::vector<StorageMove> started = queue.finish("a");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].target, "/second");
}

TEST(MoveQueue, TorrentWaitsForItsOwnRunningMove) {
  MoveQueue queue(2);
  EXPECT_TRUE(queue.request("a", "/first"));
  // The second move of "a" waits although a slot is free.
  EXPECT_FALSE(queue.request("a", "/second"));
  EXPECT_TRUE(queue.request("b", "/first"));

  const std::vector<StorageMove> started = queue.finish("a");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].id, "a");
  EXPECT_EQ(started[0].target, "/second");
}

TEST(MoveQueue, ForgetDropsMovesOfRemovedTorrent) {
  MoveQueue queue(1);
  EXPECT_TRUE(queue.request("a", "/x"));
  EXPECT_FALSE(queue.request("b", "/x"));
  EXPECT_FALSE(queue.request("c", "/x"));

  EXPECT_TRUE(queue.forget("b").empty());
  EXPECT_EQ(ids_of(queue.forget("a")), std::vector<std::string>{"c"});
  EXPECT_EQ(queue.waiting(), 0u);
}

TEST(MoveQueue, TakeWaitingKeepsRequestOrder) {
  MoveQueue queue(1);
  EXPECT_TRUE(queue.request("a", "/x"));
  EXPECT_FALSE(queue.request("c", "/x"));
  EXPECT_FALSE(queue.request("b", "/y"));

  const std::vector<StorageMove> waiting = queue.take_waiting();
  EXPECT_EQ(ids_of(waiting), (std::vector<std::string>{"c", "b"}));
  EXPECT_EQ(waiting[1].target, "/y");
  EXPECT_EQ(queue.waiting(), 0u);
  // Finishing the running move starts nothing once the waiting ones are taken.
  EXPECT_TRUE(queue.finish("a").empty());
  EXPECT_EQ(queue.running(), 0u);
}

}  // namespace
}  // namespace revaer

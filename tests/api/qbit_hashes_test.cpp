#include <string>

#include <gtest/gtest.h>

#include "api/qbit/qbit_hashes.hpp"
#include "tests/api/fake_engine.hpp"

namespace revaer::test {
namespace {

const std::string kV1 = "AAAABBBBCCCCDDDDEEEEFFFF0000111122223333";
const std::string kV2 =
    "9999888877776666555544443333222211110000aaaabbbbccccddddeeeeffff";

TorrentStatus torrent(std::string id, std::string v1, std::string v2,
                      std::int64_t added_at_ms) {
  TorrentStatus status;
  status.id = std::move(id);
  status.info_hash_v1 = std::move(v1);
  status.info_hash_v2 = std::move(v2);
  status.added_at_ms = added_at_ms;
  return status;
}

TEST(QbitHash, V1LowerCaseElseTruncatedV2) {
  EXPECT_EQ(qbit_hash(torrent("a", kV1, "", 1)),
            "aaaabbbbccccddddeeeeffff0000111122223333");
  EXPECT_EQ(qbit_hash(torrent("b", kV1, kV2, 1)),
            "aaaabbbbccccddddeeeeffff0000111122223333");
  EXPECT_EQ(qbit_hash(torrent("c", "", kV2, 1)), kV2.substr(0, 40));
  EXPECT_EQ(qbit_hash(torrent("d", "", "", 1)), "");
}

TEST(QbitHash, HybridMatchesEveryForm) {
  TorrentStatus hybrid = torrent("h", kV1, kV2, 1);
  EXPECT_TRUE(has_info_hash(hybrid, kV1));
  EXPECT_TRUE(has_info_hash(hybrid, "aaaabbbbccccddddeeeeffff0000111122223333"));
  EXPECT_TRUE(has_info_hash(hybrid, kV2));
  EXPECT_TRUE(has_info_hash(hybrid, "9999888877776666555544443333222211110000"));
  EXPECT_FALSE(has_info_hash(hybrid, "99998888"));
  EXPECT_FALSE(has_info_hash(hybrid, ""));
  EXPECT_FALSE(has_info_hash(torrent("v1", kV1, "", 1), kV2.substr(0, 40)));
}

TEST(QbitHash, ResolveListsAndAll) {
  FakeEngine engine;
  engine.insert(torrent("one", std::string(40, '1'), "", 1));
  engine.insert(torrent("two", std::string(40, '2'), "", 2));
  engine.insert(torrent("three", "", kV2, 3));

  EXPECT_EQ(resolve_hashes(engine, "all").size(), 3u);
  EXPECT_EQ(resolve_hashes(engine, "ALL").size(), 3u);

  std::vector<TorrentStatus> some = resolve_hashes(
      engine, kV2.substr(0, 40) + "|" + std::string(40, 'f') + "|" +
                  std::string(40, '1'));
  ASSERT_EQ(some.size(), 2u);
  EXPECT_EQ(some[0].id, "one");  // list order, unknown hash skipped
  EXPECT_EQ(some[1].id, "three");

  std::vector<TorrentStatus> repeated = resolve_hashes(
      engine, kV2 + "|" + std::string(40, '2') + "|" + std::string(40, '2'));
  ASSERT_EQ(repeated.size(), 2u);
  EXPECT_EQ(repeated[0].id, "two");  // list order, named twice, listed once
  EXPECT_EQ(repeated[1].id, "three");

  EXPECT_TRUE(resolve_hashes(engine, "").empty());
  std::optional<TorrentStatus> found = engine.find_by_info_hash(kV2);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, "three");
  EXPECT_FALSE(engine.find_by_info_hash(std::string(40, 'e')));
}

}  // namespace
}  // namespace revaer::test

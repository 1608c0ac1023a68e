#include "api/torrent_query.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/base64.hpp"

namespace revaer {
namespace {

using QueryMap = std::multimap<std::string, std::string, std::less<>>;

TorrentStatus make(std::int64_t added_at_ms, const std::string& id,
                   const std::string& name = "n",
                   TorrentState state = TorrentState::queued) {
  TorrentStatus status;
  status.id = id;
  status.name = name;
  status.state = state;
  status.added_at_ms = added_at_ms;
  return status;
}

std::vector<std::string> ids(const TorrentPage& page) {
  std::vector<std::string> result;
  for (const TorrentStatus& status : page.torrents) {
    result.push_back(status.id);
  }
  return result;
}

constexpr const char* kId = "6f1c1b0e-2a7d-4d8a-9a57-4a2b9b1e6c11";

std::string cursor_text(const std::string& cursor) {
  std::string standard = cursor;
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  return base64_decode(standard).value_or("");
}

std::string cursor_from_text(const std::string& text) {
  std::string encoded = base64_encode(text);
  std::replace(encoded.begin(), encoded.end(), '+', '-');
  std::replace(encoded.begin(), encoded.end(), '/', '_');
  encoded.erase(std::remove(encoded.begin(), encoded.end(), '='), encoded.end());
  return encoded;
}

TEST(TorrentCursor, RoundTrip) {
  TorrentKey key{1'700'000'000'123, kId};
  std::string filters = filter_digest({});
  std::string cursor = encode_cursor(key, filters);
  EXPECT_EQ(cursor.find_first_of("+/="), std::string::npos);
  std::optional<TorrentKey> decoded = decode_cursor(cursor, filters);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, key);
}

TEST(TorrentCursor, RejectsGarbage) {
  std::string filters = filter_digest({});
  for (const char* text : {"", "!!!", "bm9jb2xvbg", "OmlkAA", "eDppZA"}) {
    EXPECT_FALSE(decode_cursor(text, filters)) << text;
  }
}

TEST(TorrentCursor, RejectsEdits) {
  std::string filters = filter_digest({});
  std::string cursor = encode_cursor({42, kId}, filters);
  std::string text = cursor_text(cursor);
  ASSERT_FALSE(text.empty());

  // Every single-byte change of the decoded fields breaks the check.
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string edited = text;
    edited[i] = edited[i] == '1' ? '2' : '1';
    EXPECT_FALSE(decode_cursor(cursor_from_text(edited), filters))
        << "byte " << i << " of " << text;
  }
  EXPECT_FALSE(decode_cursor(cursor.substr(0, cursor.size() - 2), filters));
  EXPECT_FALSE(decode_cursor(cursor + "AA", filters));
}

TEST(TorrentCursor, BoundToFilters) {
  TorrentListQuery seeding;
  seeding.states = {TorrentState::seeding};
  TorrentListQuery named;
  named.names = {"show"};
  std::string cursor = encode_cursor({42, kId}, filter_digest(seeding));
  EXPECT_TRUE(decode_cursor(cursor, filter_digest(seeding)));
  EXPECT_FALSE(decode_cursor(cursor, filter_digest(named)));
  EXPECT_FALSE(decode_cursor(cursor, filter_digest({})));
}

TEST(TorrentCursor, FilterOrderDoesNotMatter) {
  TorrentListQuery one;
  one.names = {"a", "b"};
  TorrentListQuery two;
  two.names = {"b", "a"};
  EXPECT_EQ(filter_digest(one), filter_digest(two));
}

TEST(TorrentQuery, ForeignCursorIsBadRequest) {
  QueryMap first = {{"state", "seeding"}, {"limit", "1"}};
  TorrentListQuery seeding = parse_torrent_list_query(first).value();
  std::string cursor = encode_cursor({1, kId}, filter_digest(seeding));

  QueryMap same = {{"state", "SEEDING"}, {"cursor", cursor}};
  Result<TorrentListQuery> accepted = parse_torrent_list_query(same);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted.value().after, (TorrentKey{1, kId}));

  QueryMap other = {{"state", "failed"}, {"cursor", cursor}};
  Result<TorrentListQuery> rejected = parse_torrent_list_query(other);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.problem().status, 400);
  EXPECT_EQ(rejected.problem().invalid_params.at(0).pointer, "/cursor");
}

TEST(TorrentQuery, Defaults) {
  Result<TorrentListQuery> query = parse_torrent_list_query({});
  ASSERT_TRUE(query);
  EXPECT_EQ(query.value().limit, kDefaultPageSize);
  EXPECT_FALSE(query.value().after);
  EXPECT_TRUE(query.value().states.empty());
}

TEST(TorrentQuery, ParsesFilters) {
  QueryMap map = {{"limit", "10"},
                  {"state", "Seeding,failed"},
                  {"state", "stopped"},
                  {"name", "Foo,,bar"},
                  {"tags", "TV"},
                  {"extension", ".MKV"},
                  {"unknown", "ignored"}};
  Result<TorrentListQuery> query = parse_torrent_list_query(map);
  ASSERT_TRUE(query);
  EXPECT_EQ(query.value().limit, 10u);
  EXPECT_EQ(query.value().states,
            (std::vector<TorrentState>{TorrentState::seeding,
                                       TorrentState::failed,
                                       TorrentState::stopped}));
  EXPECT_EQ(query.value().names, (std::vector<std::string>{"foo", "bar"}));
  EXPECT_EQ(query.value().tags, std::vector<std::string>{"tv"});
  EXPECT_EQ(query.value().extensions, std::vector<std::string>{"mkv"});
}

TEST(TorrentQuery, RejectsBadValues) {
  struct Case {
    const char* name;
    std::string value;
  };
  for (const Case& bad : {Case{"limit", "0"}, Case{"limit", "201"},
                          Case{"limit", "1x"}, Case{"state", "paused"}}) {
    QueryMap map = {{bad.name, bad.value}};
    Result<TorrentListQuery> query = parse_torrent_list_query(map);
    ASSERT_FALSE(query) << bad.name << "=" << bad.value;
    EXPECT_EQ(query.problem().status, 422);
    EXPECT_EQ(query.problem().invalid_params.at(0).pointer,
              std::string("/") + bad.name);
  }

  std::string many;
  for (int i = 0; i < 33; ++i) {
    many += "v" + std::to_string(i) + ",";
  }
  Result<TorrentListQuery> query = parse_torrent_list_query({{"name", many}});
  ASSERT_FALSE(query);
  EXPECT_EQ(query.problem().invalid_params.at(0).pointer, "/name");

  Result<TorrentListQuery> cursor = parse_torrent_list_query({{"cursor", "zz"}});
  ASSERT_FALSE(cursor);
  EXPECT_EQ(cursor.problem().status, 400);
  EXPECT_EQ(cursor.problem().invalid_params.at(0).pointer, "/cursor");
}

std::string uuid(char digit) {
  return "00000000-0000-4000-8000-00000000000" + std::string(1, digit);
}

TEST(TorrentPage, PagesInKeyOrder) {
  std::vector<TorrentStatus> all = {make(1, uuid('a')), make(1, uuid('b')),
                                    make(2, uuid('a')), make(3, uuid('c'))};
  TorrentListQuery query;
  query.limit = 2;
  TorrentPage first = select_torrent_page(all, query);
  EXPECT_EQ(ids(first), (std::vector<std::string>{uuid('a'), uuid('b')}));
  ASSERT_TRUE(first.next);

  query.after = decode_cursor(*first.next, filter_digest(query));
  ASSERT_TRUE(query.after);
  TorrentPage second = select_torrent_page(all, query);
  EXPECT_EQ(ids(second), (std::vector<std::string>{uuid('a'), uuid('c')}));
  EXPECT_EQ(second.torrents[0].added_at_ms, 2);
  EXPECT_FALSE(second.next);
}

TEST(TorrentPage, CursorSurvivesRemovalOfItsTorrent) {
  std::vector<TorrentStatus> all = {make(1, "a"), make(3, "c")};
  TorrentListQuery query;
  query.after = TorrentKey{2, "b"};
  EXPECT_EQ(ids(select_torrent_page(all, query)),
            std::vector<std::string>{"c"});
}

TEST(TorrentPage, CursorPastTheEndDoesNotWrap) {
  std::vector<TorrentStatus> all = {make(1, "a"), make(3, "c")};
  TorrentListQuery query;
  query.after = TorrentKey{9, "z"};
  TorrentPage page = select_torrent_page(all, query);
  EXPECT_TRUE(page.torrents.empty());
  EXPECT_FALSE(page.next);
}

TEST(TorrentPage, NoNextWhenRestFiltered) {
  std::vector<TorrentStatus> all = {
      make(1, "a", "keep"), make(2, "b", "keep"), make(3, "c", "drop")};
  TorrentListQuery query;
  query.limit = 2;
  query.names = {"keep"};
  TorrentPage page = select_torrent_page(all, query);
  EXPECT_EQ(ids(page), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(page.next);
}

TEST(TorrentPage, FiltersCombine) {
  TorrentStatus tagged = make(1, "a", "Show S01", TorrentState::seeding);
  tagged.tags = {"TV"};
  tagged.trackers = {"http://Tracker.example/announce"};
  tagged.files = {{0, "Show/E01.MKV", 1, 1, "normal", true}};
  std::vector<TorrentStatus> all = {tagged,
                                    make(2, "b", "show s02", TorrentState::seeding)};

  TorrentListQuery query;
  query.names = {"show"};
  query.states = {TorrentState::seeding};
  EXPECT_EQ(ids(select_torrent_page(all, query)),
            (std::vector<std::string>{"a", "b"}));

  query.tags = {"tv"};
  EXPECT_EQ(ids(select_torrent_page(all, query)), std::vector<std::string>{"a"});
  query.tags.clear();
  query.trackers = {"tracker.example"};
  EXPECT_EQ(ids(select_torrent_page(all, query)), std::vector<std::string>{"a"});
  query.trackers.clear();
  query.extensions = {"mkv"};
  EXPECT_EQ(ids(select_torrent_page(all, query)), std::vector<std::string>{"a"});
  query.extensions = {"avi"};
  EXPECT_TRUE(select_torrent_page(all, query).torrents.empty());
}

TEST(TorrentState, ParsesIgnoringCase) {
  EXPECT_EQ(parse_torrent_state("FETCHING_METADATA"),
            TorrentState::fetching_metadata);
  EXPECT_EQ(parse_torrent_state("completed"), TorrentState::completed);
  EXPECT_FALSE(parse_torrent_state("paused"));
}

}  // namespace
}  // namespace revaer

#include <string>

#include <gtest/gtest.h>

#include "api/qbit/qbit_params.hpp"

namespace revaer::test {
namespace {

using Query = std::multimap<std::string, std::string, std::less<>>;

HttpRequest post(std::string content_type, std::string body) {
  HttpRequest request{http::verb::post, "/api/v2/torrents/add", 11};
  request.set(http::field::content_type, content_type);
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

TEST(QbitParams, FormBodyBeforeQuery) {
  HttpRequest request = post("application/x-www-form-urlencoded; charset=UTF-8",
                             "hashes=abc%7Cdef&name=two+words&empty=");
  Query query = {{"hashes", "from-query"}, {"only", "query"}};
  Result<QbitParams> params = QbitParams::parse(request, query);

  ASSERT_TRUE(params) << params.problem().detail;
  EXPECT_EQ(params.value().get("hashes"), "abc|def");
  EXPECT_EQ(params.value().get("name"), "two words");
  EXPECT_EQ(params.value().get("only"), "query");
  EXPECT_EQ(params.value().get("empty"), "");
  EXPECT_TRUE(params.value().has("empty"));
  EXPECT_FALSE(params.value().get("missing"));
}

TEST(QbitParams, MultipartFieldsAndFiles) {
  std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"urls\"\r\n\r\n"
      "magnet:?xt=urn:btih:1\nmagnet:?xt=urn:btih:2\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"torrents\"; filename=\"a.torrent\"\r\n"
      "Content-Type: application/x-bittorrent\r\n\r\n"
      "d4:infoe\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"torrents\"; filename=\"b.torrent\"\r\n\r\n"
      "d1:ai1ee\r\n"
      "--XyZ--\r\n";
  Result<QbitParams> params =
      QbitParams::parse(post("multipart/form-data; boundary=XyZ", body), {});

  ASSERT_TRUE(params) << params.problem().detail;
  EXPECT_EQ(params.value().get("urls"),
            "magnet:?xt=urn:btih:1\nmagnet:?xt=urn:btih:2");
  ASSERT_EQ(params.value().files().size(), 2u);
  EXPECT_EQ(params.value().files()[0].field, "torrents");
  EXPECT_EQ(params.value().files()[0].filename, "a.torrent");
  EXPECT_EQ(params.value().files()[0].data, "d4:infoe");
  EXPECT_EQ(params.value().files()[1].filename, "b.torrent");
  EXPECT_EQ(params.value().files()[1].data, "d1:ai1ee");
}

TEST(QbitParams, MalformedBodiesAre400) {
  Result<QbitParams> escape = QbitParams::parse(
      post("application/x-www-form-urlencoded", "a=%zz"), {});
  ASSERT_FALSE(escape);
  EXPECT_EQ(escape.problem().status, 400);

  Result<QbitParams> truncated = QbitParams::parse(
      post("multipart/form-data; boundary=XyZ",
           "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1"),
      {});
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.problem().status, 400);

  Result<QbitParams> no_boundary =
      QbitParams::parse(post("multipart/form-data", "x"), {});
  ASSERT_FALSE(no_boundary);
  EXPECT_EQ(no_boundary.problem().status, 400);

  Result<QbitParams> long_field = QbitParams::parse(
      post("application/x-www-form-urlencoded",
           "a=" + std::string(kQbitMaxFieldBytes + 1, 'x')),
      {});
  ASSERT_FALSE(long_field);
  EXPECT_EQ(long_field.problem().status, 400);
}

TEST(QbitParams, OtherBodyTypesAreIgnored) {
  Result<QbitParams> params =
      QbitParams::parse(post("application/json", "{\"a\": 1}"), {{"a", "q"}});
  ASSERT_TRUE(params);
  EXPECT_EQ(params.value().get("a"), "q");
}

TEST(QbitParams, FlagsIntegersAndNumbers) {
  QbitParams params;
  params.add("yes", "TRUE");
  params.add("no", "false");
  params.add("odd", "1");
  params.add("count", "-42");
  params.add("bad", "4x");
  params.add("ratio", "1.5");
  params.add("nan", "nan");

  EXPECT_TRUE(params.flag("yes", false));
  EXPECT_FALSE(params.flag("no", true));
  EXPECT_TRUE(params.flag("odd", true));
  EXPECT_FALSE(params.flag("missing", false));

  Result<std::optional<std::int64_t>> count = params.integer("count");
  ASSERT_TRUE(count);
  EXPECT_EQ(count.value(), -42);
  EXPECT_FALSE(params.integer("missing").value());
  Result<std::optional<std::int64_t>> bad = params.integer("bad");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.problem().status, 400);

  Result<std::optional<double>> ratio = params.number("ratio");
  ASSERT_TRUE(ratio);
  EXPECT_DOUBLE_EQ(*ratio.value(), 1.5);
  EXPECT_FALSE(params.number("nan"));
}

TEST(QbitParams, SplitListDropsEmptyItems) {
  EXPECT_EQ(split_list("a|b||c|", '|'),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split_list("u1\r\nu2\n\n", '\n'),
            (std::vector<std::string>{"u1", "u2"}));
  EXPECT_TRUE(split_list("", ',').empty());
}

}  // namespace
}  // namespace revaer::test

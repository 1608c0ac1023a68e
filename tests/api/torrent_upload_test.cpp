// POST /v1/torrents with multipart/form-data and Content-Type handling.

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/api/torrent_fixture.hpp"

namespace revaer::test {
namespace {

using http::verb;
using nlohmann::json;

constexpr const char* kBoundary = "----revaer-test-7Gq";
const std::string kMetainfo = "d4:infod4:name6:Sample6:lengthi3eee";

std::string part(const std::string& name, const std::string& data,
                 const std::string& extra_headers = "") {
  return std::string("--") + kBoundary +
         "\r\nContent-Disposition: form-data; name=\"" + name + "\"" +
         (name == "torrent" ? "; filename=\"sample.torrent\"" : "") + "\r\n" +
         extra_headers + "\r\n" + data + "\r\n";
}

std::string close_form() { return std::string("--") + kBoundary + "--\r\n"; }

class TorrentUpload : public TorrentRoutes {
 protected:
  Reply upload(const std::string& body,
               const std::string& content_type =
                   std::string("multipart/form-data; boundary=") + kBoundary) {
    return request(verb::post, "/v1/torrents", body,
                   {{"x-revaer-api-key", api_key_},
                    {"content-type", content_type}});
  }
};

TEST_F(TorrentUpload, TorrentAndOptions) {
  std::string body =
      part("options",
           R"({"tags": ["tv"], "start_paused": true, "include": ["*.mkv"]})",
           "Content-Type: application/json\r\n") +
      part("torrent", kMetainfo, "Content-Type: application/x-bittorrent\r\n") +
      close_form();
  Reply reply = upload(body);
  ASSERT_EQ(reply.status, 202) << reply.body;
  std::string id = reply.json().at("id");
  EXPECT_EQ(reply.header("location"), "/v1/torrents/" + id);

  std::vector<AddTorrentRequest> requests = engine_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].metainfo, kMetainfo);
  EXPECT_FALSE(requests[0].magnet);
  EXPECT_EQ(requests[0].tags, std::vector<std::string>{"tv"});
  EXPECT_TRUE(requests[0].start_paused);
  EXPECT_EQ(requests[0].selection.include, std::vector<std::string>{"*.mkv"});
}

TEST_F(TorrentUpload, TorrentOnly) {
  Reply reply = upload(part("torrent", kMetainfo) + close_form());
  ASSERT_EQ(reply.status, 202) << reply.body;
  ASSERT_EQ(engine_.requests().size(), 1u);
  EXPECT_EQ(engine_.requests()[0].metainfo, kMetainfo);
}

TEST_F(TorrentUpload, InvalidForms) {
  struct Case {
    const char* label;
    std::string body;
    std::string content_type;
    int status;
    std::set<std::string> pointers;
  };
  const std::string form_type =
      std::string("multipart/form-data; boundary=") + kBoundary;
  const std::vector<Case> cases = {
      {"no boundary", part("torrent", kMetainfo) + close_form(),
       "multipart/form-data", 400, {}},
      {"truncated", part("torrent", kMetainfo).substr(0, 60), form_type, 400,
       {}},
      {"no torrent part", part("options", "{}") + close_form(), form_type, 422,
       {"/torrent"}},
      {"unknown part", part("torrent", kMetainfo) + part("extra", "x") +
                           close_form(),
       form_type, 400, {}},
      {"options not JSON", part("options", "{") + part("torrent", kMetainfo) +
                               close_form(),
       form_type, 400, {}},
      {"options with magnet",
       part("options", R"({"magnet": "magnet:?xt=urn:btih:00"})") +
           part("torrent", kMetainfo) + close_form(),
       form_type, 422, {"/options/magnet"}},
      {"options invalid",
       part("options", R"({"max_upload_bps": -1, "include": ["["]})") +
           part("torrent", kMetainfo) + close_form(),
       form_type, 422, {"/options/max_upload_bps", "/options/include/0"}},
      {"torrent with ..", part("torrent", "d4:infod4:name2:..ee") + close_form(),
       form_type, 422, {"/torrent"}},
      {"nested form",
       part("torrent", kMetainfo,
            "Content-Type: multipart/mixed; boundary=x\r\n") +
           close_form(),
       form_type, 400, {}},
  };
  for (const Case& item : cases) {
    Reply reply = upload(item.body, item.content_type);
    EXPECT_EQ(reply.status, item.status) << item.label << ": " << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/problem+json")
        << item.label;
    if (!item.pointers.empty()) {
      EXPECT_EQ(pointers(reply), item.pointers) << item.label;
    }
  }
  EXPECT_TRUE(engine_.requests().empty());
}

TEST_F(TorrentUpload, ContentTypes) {
  std::string body = json{{"magnet", kTestMagnet}}.dump();
  Reply charset = upload(body, "application/json; charset=utf-8");
  EXPECT_EQ(charset.status, 202) << charset.body;

  for (const char* type : {"text/plain", "application/x-bittorrent",
                           "multipart/mixed; boundary=x"}) {
    Reply reply = upload(body, type);
    expect_problem(reply, 415);
  }
  EXPECT_EQ(engine_.requests().size(), 1u);
}

}  // namespace
}  // namespace revaer::test

#include "api/multipart.hpp"

#include <string>

#include <gtest/gtest.h>

namespace revaer {
namespace {

constexpr const char* kBoundary = "XyZ-42";

// Builds a form body with one part per (headers, data) pair.
std::string form(const std::vector<std::pair<std::string, std::string>>& parts,
                 const std::string& boundary = kBoundary) {
  std::string body;
  for (const auto& [headers, data] : parts) {
    body += "--" + boundary + "\r\n" + headers + "\r\n" + data + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

std::string disposition(const std::string& name) {
  return "Content-Disposition: form-data; name=\"" + name + "\"\r\n";
}

// Asserts that parsing `body` fails with a 400 whose detail contains
// `expected`.
void expect_rejected(const std::string& body, const std::string& expected,
                     const MultipartLimits& limits = {}) {
  Result<std::vector<MultipartPart>> parts =
      parse_multipart(body, kBoundary, limits);
  ASSERT_FALSE(parts) << "accepted: " << body.substr(0, 200);
  EXPECT_EQ(parts.problem().status, 400);
  EXPECT_NE(parts.problem().detail.find(expected), std::string::npos)
      << parts.problem().detail;
}

TEST(MultipartBoundary, ReadsQuotedAndBare) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data;BOUNDARY=\"a b'c\""),
            "a b'c");
  EXPECT_EQ(multipart_boundary("multipart/form-data; charset=x; boundary=q"),
            "q");
}

TEST(MultipartBoundary, RejectsMissingOrInvalid) {
  for (const char* type :
       {"multipart/form-data", "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\"unclosed",
        "multipart/form-data; boundary=a;b", "application/json; boundary=x",
        "multipart/form-data; boundary=bad<char>",
        "multipart/form-data; boundary=\"ends with space \""}) {
    EXPECT_FALSE(multipart_boundary(type)) << type;
  }
  std::string long_boundary(71, 'b');
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" +
                                  long_boundary));
  EXPECT_TRUE(multipart_boundary("multipart/form-data; boundary=" +
                                 long_boundary.substr(1)));
}

TEST(MultipartForm, DetectsFormData) {
  EXPECT_TRUE(is_multipart_form("multipart/form-data; boundary=x"));
  EXPECT_TRUE(is_multipart_form("MULTIPART/FORM-DATA"));
  EXPECT_FALSE(is_multipart_form("multipart/mixed; boundary=x"));
  EXPECT_FALSE(is_multipart_form("application/json"));
  EXPECT_FALSE(is_multipart_form(""));
}

TEST(MultipartParse, TwoParts) {
  std::string binary("d4:infod\0\r\n--XyZ-4e", 19);
  std::string body = form(
      {{disposition("options"), R"({"tags":["a"]})"},
       {"Content-Disposition: form-data; name=torrent; filename=\"a.torrent\""
        "\r\nContent-Type: application/x-bittorrent\r\n",
        binary}});
  Result<std::vector<MultipartPart>> parts = parse_multipart(body, kBoundary);
  ASSERT_TRUE(parts) << parts.problem().detail;
  ASSERT_EQ(parts.value().size(), 2u);
  EXPECT_EQ(parts.value()[0].name, "options");
  EXPECT_FALSE(parts.value()[0].filename);
  EXPECT_EQ(parts.value()[0].data, R"({"tags":["a"]})");
  EXPECT_EQ(parts.value()[1].name, "torrent");
  EXPECT_EQ(parts.value()[1].filename, "a.torrent");
  EXPECT_EQ(parts.value()[1].content_type, "application/x-bittorrent");
  EXPECT_EQ(parts.value()[1].data, binary);
}

TEST(MultipartParse, PreambleEpilogueAndEmptyPart) {
  std::string body = "preamble text\r\n" +
                     form({{disposition("empty"), ""}}) + "epilogue";
  Result<std::vector<MultipartPart>> parts = parse_multipart(body, kBoundary);
  ASSERT_TRUE(parts) << parts.problem().detail;
  ASSERT_EQ(parts.value().size(), 1u);
  EXPECT_EQ(parts.value()[0].data, "");
}

TEST(MultipartParse, EmptyForm) {
  Result<std::vector<MultipartPart>> parts =
      parse_multipart("--XyZ-42--\r\n", kBoundary);
  ASSERT_TRUE(parts);
  EXPECT_TRUE(parts.value().empty());
}

TEST(MultipartParse, RejectsMissingBoundary) {
  expect_rejected("no delimiter at all", "opening boundary is missing");
  expect_rejected("", "opening boundary is missing");
  expect_rejected(form({{disposition("a"), "x"}}, "Other"),
                  "opening boundary is missing");
}

TEST(MultipartParse, RejectsTruncatedPart) {
  std::string body = form({{disposition("torrent"), "0123456789"}});
  for (std::size_t cut : {body.size() - 12, body.size() / 2}) {
    expect_rejected(body.substr(0, cut), "truncated");
  }
  expect_rejected("--XyZ-42\r\n" + disposition("torrent"), "truncated");
  expect_rejected("--XyZ-42", "not followed by CRLF");
}

TEST(MultipartParse, RejectsNested) {
  std::string inner = form({{disposition("inner"), "x"}}, "inner");
  std::string body =
      form({{disposition("outer") +
                 "Content-Type: multipart/mixed; boundary=inner\r\n",
             inner}});
  expect_rejected(body, "itself multipart");
}

TEST(MultipartParse, RejectsHugeHeaders) {
  std::string huge = disposition("a") + "X-Filler: " + std::string(9000, 'h') +
                     "\r\n";
  expect_rejected(form({{huge, "x"}}), "exceed 8192 bytes");

  std::string many = disposition("a");
  for (int i = 0; i < 20; ++i) {
    many += "X-Field-" + std::to_string(i) + ": v\r\n";
  }
  expect_rejected(form({{many, "x"}}), "more than 16 header fields");

  // A header block that never ends is cut off at the cap, not scanned on.
  std::string endless = "--XyZ-42\r\n" + disposition("a") +
                        std::string(20000, 'h');
  expect_rejected(endless, "exceed 8192 bytes");
}

TEST(MultipartParse, RejectsBadDisposition) {
  expect_rejected(form({{"Content-Type: text/plain\r\n", "x"}}),
                  "no Content-Disposition");
  expect_rejected(form({{"Content-Disposition: attachment; name=a\r\n", "x"}}),
                  "form-data with a name");
  expect_rejected(form({{"Content-Disposition: form-data\r\n", "x"}}),
                  "form-data with a name");
  expect_rejected(
      form({{"Content-Disposition: form-data; name=\"open\r\n", "x"}}),
      "malformed content-disposition");
  expect_rejected(form({{" folded: line\r\n", "x"}}), "malformed header line");
  expect_rejected(form({{"", "no headers"}}), "no Content-Disposition");
}

TEST(MultipartParse, RejectsRepeatedNames) {
  expect_rejected(form({{disposition("torrent"), "1"},
                        {disposition("torrent"), "2"}}),
                  "appears twice");
}

TEST(MultipartParse, EnforcesPartLimits) {
  MultipartLimits limits;
  limits.max_parts = 2;
  limits.max_part_bytes = 10;
  expect_rejected(form({{disposition("a"), "1"},
                        {disposition("b"), "2"},
                        {disposition("c"), "3"}}),
                  "more than 2 parts", limits);
  expect_rejected(form({{disposition("a"), std::string(11, 'x')}}),
                  "exceeds 10 bytes", limits);
  EXPECT_TRUE(parse_multipart(form({{disposition("a"), std::string(10, 'x')}}),
                              kBoundary, limits));
}

}  // namespace
}  // namespace revaer

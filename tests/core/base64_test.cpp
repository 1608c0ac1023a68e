#include "core/base64.hpp"

#include <gtest/gtest.h>

namespace revaer {
namespace {

struct Base64Case {
  std::string plain;
  std::string encoded;
};

TEST(Base64, EncodesAndDecodesRfc4648Vectors) {
  const Base64Case cases[] = {{"", ""},
                              {"f", "Zg=="},
                              {"fo", "Zm8="},
                              {"foo", "Zm9v"},
                              {"foob", "Zm9vYg=="},
                              {"fooba", "Zm9vYmE="},
                              {"foobar", "Zm9vYmFy"}};
  for (const Base64Case& c : cases) {
    EXPECT_EQ(base64_encode(c.plain), c.encoded) << c.plain;
    EXPECT_EQ(base64_decode(c.encoded), c.plain) << c.encoded;
  }
}

TEST(Base64, DecodeAcceptsMissingPaddingAndWhitespace) {
  EXPECT_EQ(base64_decode("Zm9vYg"), "foob");
  EXPECT_EQ(base64_decode("Zm9v\nYmFy\r\n"), "foobar");
}

TEST(Base64, DecodeRejectsInvalidInput) {
  EXPECT_FALSE(base64_decode("Zm9v!").has_value());
  EXPECT_FALSE(base64_decode("Z").has_value());         // truncated group
  EXPECT_FALSE(base64_decode("Zm=9v").has_value());     // data after padding
  EXPECT_FALSE(base64_decode("Zh==").has_value());      // non-zero fill bits
  EXPECT_FALSE(base64_decode("Zm9v-_").has_value());    // URL alphabet
}

TEST(Base64, BinaryRoundTrip) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
  }
  EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
}

}  // namespace
}  // namespace revaer

#include "cli/error_capture.hpp"

#include <algorithm>
#include <sstream>

namespace revaer::client {

namespace {

constexpr std::size_t kKeptBytes = 1024;
constexpr std::string_view kErrorPrefix = "error: ";

}  // namespace

ErrorCapture::ErrorCapture(std::ostream& target)
    : buffer_(target.rdbuf(), kept_), stream_(&buffer_) {}

std::string ErrorCapture::first_error() const {
  std::istringstream lines(kept_);
  std::string first;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(kErrorPrefix, 0) != 0) {
      first = first.empty() ? line : first;
      continue;
    }
    // A problem's detail follows its title on an indented line.
    auto message = line.substr(kErrorPrefix.size());
    std::string detail;
    if (std::getline(lines, detail) && detail.rfind("  ", 0) == 0) {
      message += ": " + detail.substr(2);
    }
    return message;
  }
  return first;
}

void ErrorCapture::TeeBuffer::keep(const char* data, std::size_t count) {
  const auto room = kKeptBytes - std::min(kKeptBytes, kept_.size());
  kept_.append(data, std::min(room, count));
}

ErrorCapture::TeeBuffer::int_type ErrorCapture::TeeBuffer::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) {
    return traits_type::not_eof(c);
  }
  const char byte = traits_type::to_char_type(c);
  keep(&byte, 1);
  return target_->sputc(byte);
}

std::streamsize ErrorCapture::TeeBuffer::xsputn(const char* data, std::streamsize count) {
  keep(data, static_cast<std::size_t>(count));
  return target_->sputn(data, count);
}

int ErrorCapture::TeeBuffer::sync() { return target_->pubsync(); }

}  // namespace revaer::client

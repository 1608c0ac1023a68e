#pragma once

#include <ostream>
#include <streambuf>
#include <string>

namespace revaer::client {

// An output stream that writes through to another stream and keeps the
// first KiB written, so the CLI can name the error in its telemetry event.
class ErrorCapture {
 public:
  explicit ErrorCapture(std::ostream& target);

  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;

  std::ostream& stream() { return stream_; }

  // Returns the text of the first "error: ..." line without its prefix,
  // followed by ": " and the indented line after it when there is one.
  // Without such a line, returns the first line written, or "".
  std::string first_error() const;

 private:
  class TeeBuffer : public std::streambuf {
   public:
    TeeBuffer(std::streambuf* target, std::string& kept) : target_(target), kept_(kept) {}

   protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* data, std::streamsize count) override;
    int sync() override;

   private:
    void keep(const char* data, std::size_t count);

    std::streambuf* target_;
    std::string& kept_;
  };

  std::string kept_;
  TeeBuffer buffer_;
  std::ostream stream_;
};

}  // namespace revaer::client

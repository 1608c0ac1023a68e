#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

namespace revaer::testing {

// Replaces spdlog's default logger with one that keeps the last 2000
// formatted lines, and restores the previous logger when destroyed.
// Create it before the engine starts its threads and destroy it after
// they ended, so no thread logs during either swap.
class LogCapture {
 public:
  explicit LogCapture(const std::string& name) : previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(name, sink_));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // The number of captured lines that contain `text`.
  std::size_t count(const std::string& text) const {
    std::size_t lines = 0;
    for (const std::string& line : sink_->last_formatted()) {
      if (line.find(text) != std::string::npos) ++lines;
    }
    return lines;
  }
  bool logged(const std::string& text) const { return count(text) > 0; }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_ =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(2000);
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace revaer::testing

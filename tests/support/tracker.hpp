#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace revaer::test {

// An opentracker on 127.0.0.1. Debian builds it in whitelist mode, so it
// serves only the info-hashes given to start(). It chroots into its
// own folder and drops to the user "nobody", so that folder is made
// world-readable.
class Tracker {
 public:
  // Picks a free port and creates `work_dir` (the tracker's root). Does not
  // start the tracker, so the announce URL can go into .torrent files
  // before their info-hashes are known.
  explicit Tracker(std::filesystem::path work_dir);
  ~Tracker();

  Tracker(const Tracker&) = delete;
  Tracker& operator=(const Tracker&) = delete;

  std::uint16_t port() const { return port_; }
  std::string announce_url() const;

  // Writes the whitelist of hex info-hashes and the config, starts the
  // tracker and waits until its port accepts connections. Throws
  // std::runtime_error when it exits or does not listen within 10 s.
  void start(const std::vector<std::string>& info_hashes);

  // Returns the number of seeds the tracker lists for an info-hash, from
  // its scrape response. Throws on transport or parse failure.
  int seed_count(const std::string& info_hash_hex) const;

  // Stops the tracker by its PID.
  void stop();

 private:
  std::filesystem::path work_dir_;
  std::uint16_t port_;
  std::unique_ptr<Process> process_;
};

}  // namespace revaer::test

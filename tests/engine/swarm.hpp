#pragma once

// Helpers for engine tests on a real libtorrent swarm over loopback: temp
// directories, generated payloads, .torrent files and a seeding session.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <libtorrent/create_torrent.hpp>
#include <libtorrent/fwd.hpp>
#include <libtorrent/torrent_handle.hpp>

#include "engine/engine.hpp"

namespace revaer::testing {

// A directory made with mkdtemp under /tmp, deleted with its content.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// One generated file: its path relative to the payload's parent directory
// (so it starts with the torrent name) and its content.
struct PayloadFile {
  std::string path;
  std::string bytes;
};

// Random bytes from a fixed seed, so every run gets the same content.
std::string random_bytes(std::size_t size, std::uint32_t seed);

// Writes `files` under `parent`, creating directories as needed.
void write_payload(const std::filesystem::path& parent, const std::vector<PayloadFile>& files);

// The root folder of sample_payload().
inline const std::string kPayloadName = "Payload Ünïcode";

// A payload named kPayloadName with a nested folder and names with
// spaces and non-ASCII characters, about `approx_bytes` bytes in total.
std::vector<PayloadFile> sample_payload(std::size_t approx_bytes, std::uint32_t seed);

// Bencoded metainfo without trackers for the directory or file
// `parent / name`: hybrid v1+v2 unless `flags` select v1 or v2 only.
std::string make_metainfo(const std::filesystem::path& parent, const std::string& name,
                          int piece_size = 0, lt::create_flags_t flags = {});

// Parses metainfo; throws when it is invalid.
std::shared_ptr<lt::torrent_info> parse_metainfo_bytes(const std::string& metainfo);

// A magnet link for `metainfo` whose x.pe hint points at 127.0.0.1:port.
std::string magnet_with_peer(const std::string& metainfo, int port);

// The content of a file, or "<missing>" when it cannot be read.
std::string read_file_bytes(const std::filesystem::path& path);

// Options for an engine on 127.0.0.1 only, on a free port, without uTP.
EngineOptions loopback_options(const std::filesystem::path& download_root,
                               const std::filesystem::path& resume_dir);

// Polls `done` every 50 ms until it returns true or `timeout` passes.
bool wait_until(const std::function<bool()>& done,
                std::chrono::seconds timeout = std::chrono::seconds(90));

// A second libtorrent session on 127.0.0.1 that seeds torrents to the
// engine under test. Blocking libtorrent calls are fine here.
class Seeder {
 public:
  // `upload_rate_limit` in bytes per second, 0 for none.
  explicit Seeder(int upload_rate_limit = 0);
  ~Seeder();
  Seeder(const Seeder&) = delete;
  Seeder& operator=(const Seeder&) = delete;

  // Adds `metainfo` with its content under `save_path` and waits until the
  // files are checked. Returns the handle; the torrent seeds what it has.
  lt::torrent_handle seed(const std::string& metainfo, const std::filesystem::path& save_path);

  int port() const;
  // Asks the seeder to connect to a peer on 127.0.0.1:port.
  void connect(const lt::torrent_handle& handle, int port);
  lt::session& session() { return *session_; }

 private:
  std::unique_ptr<lt::session> session_;
};

}  // namespace revaer::testing

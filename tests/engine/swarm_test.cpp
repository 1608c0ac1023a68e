#include "tests/engine/swarm.hpp"

#include <stdlib.h>

#include <fstream>
#include <iterator>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/bencode.hpp>
#include <libtorrent/create_torrent.hpp>
#include <libtorrent/extensions/ut_metadata.hpp>
#include <libtorrent/ip_filter.hpp>
#include <libtorrent/magnet_uri.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>

#include "tests/support/loopback_settings.hpp"

namespace revaer::testing {

TempDir::TempDir() {
  std::string pattern = "/tmp/revaer-engine-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("could not create a temporary directory");
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string random_bytes(std::size_t size, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(generator() & 0xff);
  return bytes;
}

void write_payload(const std::filesystem::path& parent, const std::vector<PayloadFile>& files) {
  for (const PayloadFile& file : files) {
    const std::filesystem::path path = parent / file.path;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(file.bytes.data(), static_cast<std::streamsize>(file.bytes.size()));
    if (!out) throw std::runtime_error("could not write " + path.string());
  }
}

std::vector<PayloadFile> sample_payload(std::size_t approx_bytes, std::uint32_t seed) {
  const std::string root = kPayloadName;
  const std::size_t large = approx_bytes * 3 / 4;
  const std::size_t medium = approx_bytes - large;
  return {
      {root + "/a file.bin", random_bytes(large, seed)},
      {root + "/nested dir/β data.bin", random_bytes(medium + 123, seed + 1)},
      {root + "/nested dir/deeper/ç notes.txt", random_bytes(17, seed + 2)},
  };
}

std::string make_metainfo(const std::filesystem::path& parent, const std::string& name,
                          int piece_size, lt::create_flags_t flags) {
  lt::file_storage storage;
  lt::add_files(storage, (parent / name).string());
  lt::create_torrent creator(storage, piece_size, flags);
  lt::set_piece_hashes(creator, parent.string());

  std::string bytes;
  lt::bencode(std::back_inserter(bytes), creator.generate());
  return bytes;
}

std::shared_ptr<lt::torrent_info> parse_metainfo_bytes(const std::string& metainfo) {
  return std::make_shared<lt::torrent_info>(
      lt::span<const char>(metainfo.data(), static_cast<long>(metainfo.size())), lt::from_span);
}

std::string magnet_with_peer(const std::string& metainfo, int port) {
  return lt::make_magnet_uri(*parse_metainfo_bytes(metainfo)) +
         "&x.pe=127.0.0.1:" + std::to_string(port);
}

std::string read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "<missing>";
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

EngineOptions loopback_options(const std::filesystem::path& download_root,
                               const std::filesystem::path& resume_dir) {
  EngineOptions options;
  options.listen_interfaces = {"127.0.0.1"};
  options.listen_port = 0;
  options.outgoing_utp = false;
  options.incoming_utp = false;
  options.download_root = download_root.string();
  options.resume_dir = resume_dir.string();
  return options;
}

bool wait_until(const std::function<bool()>& done, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

Seeder::Seeder(int upload_rate_limit) {
  lt::settings_pack pack = test::loopback_settings("127.0.0.1:0");
  pack.set_int(lt::settings_pack::upload_rate_limit, upload_rate_limit);
  session_ = std::make_unique<lt::session>(lt::session_params(pack, {}));
  session_->add_extension(&lt::create_ut_metadata_plugin);

  if (upload_rate_limit > 0) {
    // Loopback peers are in the unlimited local peer class by default; put
    // every address in the global class so the rate limit applies.
    lt::ip_filter classes;
    classes.add_rule(lt::make_address_v4("0.0.0.0"), lt::make_address_v4("255.255.255.255"),
                     1u << static_cast<std::uint32_t>(lt::session::global_peer_class_id));
    session_->set_peer_class_filter(classes);
  }
}

Seeder::~Seeder() { session_->pause(); }

lt::torrent_handle Seeder::seed(const std::string& metainfo,
                                const std::filesystem::path& save_path) {
  lt::add_torrent_params params;
  params.ti = parse_metainfo_bytes(metainfo);
  params.save_path = save_path.string();
  params.flags &= ~(lt::torrent_flags::paused | lt::torrent_flags::auto_managed);
  lt::torrent_handle handle = session_->add_torrent(std::move(params));

  const bool checked = wait_until([&] {
    const lt::torrent_status::state_t state = handle.status().state;
    return state == lt::torrent_status::seeding || state == lt::torrent_status::downloading ||
           state == lt::torrent_status::finished;
  });
  if (!checked) throw std::runtime_error("seeder did not check its files");
  return handle;
}

int Seeder::port() const { return session_->listen_port(); }

void Seeder::connect(const lt::torrent_handle& handle, int port) {
  handle.connect_peer({lt::make_address_v4("127.0.0.1"), static_cast<std::uint16_t>(port)});
}

namespace {

TEST(Seeder, SeedsSamplePayload) {
  TempDir dir;
  const std::vector<PayloadFile> payload = sample_payload(256 * 1024, 7);
  write_payload(dir.path(), payload);
  const std::string metainfo = make_metainfo(dir.path(), kPayloadName);

  Seeder seeder;
  const lt::torrent_handle handle = seeder.seed(metainfo, dir.path());

  EXPECT_EQ(handle.status().state, lt::torrent_status::seeding);
  EXPECT_GT(seeder.port(), 0);
}

}  // namespace
}  // namespace revaer::testing

#include "tests/support/swarm.hpp"

#include <chrono>
#include <stdexcept>

#include "tests/support/metainfo.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {

Swarm::Swarm(std::filesystem::path work_dir)
    : work_dir_(std::move(work_dir)), tracker_(work_dir_ / "tracker") {}

SeededTorrent& Swarm::add_torrent(const std::string& name,
                                  const std::vector<ContentFile>& files,
                                  std::uint64_t seed, int piece_size_log2) {
  auto torrent = std::make_unique<SeededTorrent>();
  torrent->name = name;
  torrent->source_dir = work_dir_ / "content";
  write_content(torrent->content_path(), files, seed);

  std::filesystem::create_directories(work_dir_ / "torrents");
  torrent->torrent_path = work_dir_ / "torrents" / (name + ".torrent");
  torrent->metainfo = make_torrent(torrent->content_path(), announce_url(),
                                   piece_size_log2, torrent->torrent_path);
  torrent->info_hash = info_hash_hex(torrent->metainfo);
  torrent->total_size = tree_size(torrent->content_path());
  torrent->piece_size = std::uint64_t{1} << piece_size_log2;
  torrent->sha256 = hash_tree(torrent->content_path());

  torrents_.push_back(std::move(torrent));
  return *torrents_.back();
}

void Swarm::start() {
  std::vector<std::string> hashes;
  for (const auto& torrent : torrents_) {
    hashes.push_back(torrent->info_hash);
  }
  tracker_.start(hashes);

  seeder_ = std::make_unique<TransmissionSeeder>(work_dir_ / "seeder");
  for (const auto& torrent : torrents_) {
    torrent->seeder_id =
        seeder_->add_torrent(torrent->metainfo, torrent->source_dir);
  }
  for (const auto& torrent : torrents_) {
    seeder_->wait_seeding(torrent->seeder_id);
  }

  // Transmission never connects out to 127.x peers, and a leecher that
  // announces before the seeder gets an empty peer list until its next
  // announce (opentracker's interval is about 30 minutes). So wait until
  // the tracker lists the seeder.
  for (const auto& torrent : torrents_) {
    bool announced = wait_until(
        [&] { return tracker_.seed_count(torrent->info_hash) >= 1; },
        std::chrono::seconds(60), std::chrono::milliseconds(100));
    if (!announced) {
      throw std::runtime_error("the seeder did not announce '" +
                               torrent->name + "' to the tracker");
    }
  }
}

}  // namespace revaer::test

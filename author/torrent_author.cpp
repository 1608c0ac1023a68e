#include "author/torrent_author.hpp"

#include <iterator>
#include <system_error>

#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/bencode.hpp>
#include <libtorrent/create_torrent.hpp>
#include <libtorrent/entry.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/file_storage.hpp>
#include <libtorrent/magnet_uri.hpp>
#include <libtorrent/posix_disk_io.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/torrent_info.hpp>
#include <spdlog/spdlog.h>

#include "core/version.hpp"

namespace revaer {
namespace {

namespace fs = std::filesystem;

lt::create_flags_t version_flags(TorrentVersion version) {
  switch (version) {
    case TorrentVersion::v1:
      return lt::create_torrent::v1_only;
    case TorrentVersion::v2:
      return lt::create_torrent::v2_only;
    case TorrentVersion::hybrid:
      break;
  }
  return {};
}

template <typename Digest>
std::string to_hex(const Digest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t(digest.size()) * 2);
  for (const char byte : digest) {
    const auto value = static_cast<unsigned char>(byte);
    hex.push_back(kDigits[value >> 4]);
    hex.push_back(kDigits[value & 0x0f]);
  }
  return hex;
}

// Lists the files in the tree's order, without attributes or modification
// times, so the metainfo depends only on names, sizes and content.
lt::file_storage make_file_storage(const SourceTree& tree) {
  lt::file_storage files;
  for (const SourceFile& file : tree.files) {
    files.add_file(file.relative_path.generic_string(),
                   static_cast<std::int64_t>(file.size));
  }
  return files;
}

void describe(lt::create_torrent& creator, const AuthorOptions& options) {
  creator.set_creation_date(0);
  creator.set_creator((std::string("Revaer ") + build_version()).c_str());
  if (!options.comment.empty()) {
    creator.set_comment(options.comment.c_str());
  }
  creator.set_priv(options.is_private);
  for (std::size_t tier = 0; tier < options.tracker_tiers.size(); ++tier) {
    for (const std::string& url : options.tracker_tiers[tier]) {
      creator.add_tracker(url, static_cast<int>(tier));
    }
  }
  for (const std::string& url : options.web_seeds) {
    creator.add_url_seed(url);
  }
}

// Hashes every piece with libtorrent's POSIX disk back end, which reads on
// the calling thread into one 16 KiB buffer at a time. The default back end
// of libtorrent 2.0 reads through memory-mapped files instead.
std::optional<Problem> hash_pieces(lt::create_torrent& creator,
                                   const SourceTree& tree) {
  lt::settings_pack settings;
  settings.set_int(lt::settings_pack::hashing_threads, 1);
  lt::error_code error;
  lt::set_piece_hashes(creator, tree.parent.string(), settings,
                       lt::posix_disk_io_constructor,
                       [](lt::piece_index_t) {}, error);
  if (error) {
    return Problem::unprocessable(
        "could not read the files of '" + tree.name + "': " + error.message(),
        {{"/path", "must be readable by the daemon"}});
  }
  return std::nullopt;
}

// Detects a file that grew or shrank while it was hashed, which would
// leave wrong piece hashes in the metainfo.
std::optional<Problem> check_unchanged(const SourceTree& tree) {
  for (const SourceFile& file : tree.files) {
    std::error_code error;
    const fs::path path = tree.parent / file.relative_path;
    if (fs::file_size(path, error) != file.size || error) {
      Problem problem = Problem::conflict("'" + path.string() +
                                          "' changed while it was hashed; "
                                          "try again once it is complete.");
      return problem;
    }
  }
  return std::nullopt;
}

// Bencodes the torrent, adding info.source, which create_torrent has no
// setter for. Adding it before bencoding keeps it inside the hashed info
// dictionary.
std::string encode(const lt::create_torrent& creator,
                   const AuthorOptions& options) {
  lt::entry metainfo = creator.generate();
  if (!options.source.empty()) {
    metainfo["info"]["source"] = options.source;
  }
  std::string bytes;
  lt::bencode(std::back_inserter(bytes), metainfo);
  return bytes;
}

// Builds the magnet link from the options, not from `info`, because
// lt::torrent_info shuffles the trackers of each tier when it loads them,
// and the link must be the same for the same request.
std::string make_magnet(const lt::torrent_info& info, const AuthorOptions& options) {
  lt::add_torrent_params params;
  params.info_hashes = info.info_hashes();
  params.name = info.name();
  for (const std::vector<std::string>& tier : options.tracker_tiers) {
    params.trackers.insert(params.trackers.end(), tier.begin(), tier.end());
  }
  params.url_seeds = options.web_seeds;
  return lt::make_magnet_uri(params);
}

AuthoredTorrent describe_result(std::string metainfo, const SourceTree& tree,
                                const AuthorOptions& options) {
  const lt::torrent_info info(metainfo, lt::from_span);
  AuthoredTorrent result;
  result.metainfo = std::move(metainfo);
  result.magnet = make_magnet(info, options);
  if (info.info_hashes().has_v1()) {
    result.info_hash_v1 = to_hex(info.info_hashes().v1);
  }
  if (info.info_hashes().has_v2()) {
    result.info_hash_v2 = to_hex(info.info_hashes().v2);
  }
  result.name = info.name();
  result.total_bytes = tree.total_bytes;
  result.piece_size = info.piece_length();
  result.file_count = tree.files.size();
  result.skipped = tree.skipped;
  return result;
}

Result<AuthoredTorrent> build(const AuthorOptions& options,
                              const SourceTree& tree) {
  lt::file_storage files = make_file_storage(tree);
  lt::create_torrent creator(files, static_cast<int>(options.piece_size),
                             version_flags(options.version));
  describe(creator, options);
  if (auto problem = hash_pieces(creator, tree)) {
    return *problem;
  }
  if (auto problem = check_unchanged(tree)) {
    return *problem;
  }
  return describe_result(encode(creator, options), tree, options);
}

}  // namespace

bool is_valid_piece_size(std::int64_t bytes) {
  return bytes >= kMinPieceSize && bytes <= kMaxPieceSize &&
         (bytes & (bytes - 1)) == 0;
}

Result<AuthoredTorrent> author_torrent(const AuthorOptions& options,
                                       const AuthorLimits& limits) {
  if (options.piece_size != 0 && !is_valid_piece_size(options.piece_size)) {
    return Problem::unprocessable(
        "invalid piece_size " + std::to_string(options.piece_size),
        {{"/piece_size", "must be a power of two from 16384 (16 KiB) to "
                         "67108864 (64 MiB)"}});
  }
  Result<SourceTree> tree = scan_source_tree(options.path, limits);
  if (!tree) {
    return tree.problem();
  }

  try {
    return build(options, tree.value());
  } catch (const lt::system_error& error) {
    spdlog::error("could not create a torrent from '{}': {}",
                  options.path.string(), error.what());
    return Problem::internal("could not create a torrent from '" +
                             options.path.string() + "': " + error.what());
  }
}

}  // namespace revaer

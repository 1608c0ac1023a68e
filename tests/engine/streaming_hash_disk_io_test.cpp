#include "engine/libtorrent/streaming_hash_disk_io.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <gtest/gtest.h>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/file_storage.hpp>
#include <libtorrent/hasher.hpp>
#include <libtorrent/io_context.hpp>
#include <libtorrent/peer_request.hpp>
#include <libtorrent/storage_defs.hpp>
#include <libtorrent/torrent_info.hpp>

#include "tests/engine/swarm.hpp"

namespace revaer::testing {
namespace {

constexpr int kBlock = 16 * 1024;

// A backend that keeps written blocks in memory and hashes a piece from
// them when asked, counting the pieces it had to hash.
class MemoryDisk final : public lt::disk_interface {
 public:
  explicit MemoryDisk(lt::io_context& ios) : ios_(ios) {}

  int hash_calls = 0;
  int removed = 0;
  std::optional<int> failing_offset;  // writes at this offset fail

  lt::storage_holder new_torrent(const lt::storage_params& params,
                                 const std::shared_ptr<void>&) override {
    files_ = &params.files;
    return lt::storage_holder(lt::storage_index_t{0}, *this);
  }
  void remove_torrent(lt::storage_index_t) override { ++removed; }

  void async_read(lt::storage_index_t, const lt::peer_request&,
                  std::function<void(lt::disk_buffer_holder, const lt::storage_error&)>,
                  lt::disk_job_flags_t) override {}

  bool async_write(lt::storage_index_t, const lt::peer_request& request, const char* buffer,
                   std::shared_ptr<lt::disk_observer>,
                   std::function<void(const lt::storage_error&)> handler,
                   lt::disk_job_flags_t) override {
    lt::storage_error error;
    if (failing_offset == request.start) {
      error.ec = lt::errors::make_error_code(lt::errors::file_too_short);
    } else {
      std::string& piece = pieces_[static_cast<int>(request.piece)];
      piece.resize(static_cast<std::size_t>(files_->piece_size(request.piece)));
      piece.replace(static_cast<std::size_t>(request.start),
                    static_cast<std::size_t>(request.length), buffer,
                    static_cast<std::size_t>(request.length));
    }
    lt::post(ios_, [error, handler = std::move(handler)] { handler(error); });
    return false;
  }

  void async_hash(lt::storage_index_t, lt::piece_index_t piece,
                  lt::span<lt::sha256_hash> block_hashes, lt::disk_job_flags_t,
                  std::function<void(lt::piece_index_t, const lt::sha1_hash&,
                                     const lt::storage_error&)>
                      handler) override {
    ++hash_calls;
    const std::string& data = pieces_[static_cast<int>(piece)];
    fill_block_hashes(data, files_->piece_size2(piece), block_hashes);
    const lt::sha1_hash sha1 = lt::hasher(data.data(), static_cast<int>(data.size())).final();
    lt::post(ios_, [piece, sha1, handler = std::move(handler)] {
      handler(piece, sha1, lt::storage_error());
    });
  }

  static void fill_block_hashes(const std::string& data, int v2_size,
                                lt::span<lt::sha256_hash> block_hashes) {
    for (std::ptrdiff_t i = 0; i < block_hashes.size() && i * kBlock < v2_size; ++i) {
      const auto length = std::min<std::ptrdiff_t>(kBlock, v2_size - i * kBlock);
      block_hashes[i] =
          lt::hasher256(data.data() + i * kBlock, static_cast<int>(length)).final();
    }
  }

  void async_hash2(lt::storage_index_t, lt::piece_index_t, int, lt::disk_job_flags_t,
                   std::function<void(lt::piece_index_t, const lt::sha256_hash&,
                                      const lt::storage_error&)>) override {}
  void async_move_storage(lt::storage_index_t, std::string, lt::move_flags_t,
                          std::function<void(lt::status_t, const std::string&,
                                             const lt::storage_error&)>) override {}
  void async_release_files(lt::storage_index_t, std::function<void()>) override {}
  void async_check_files(lt::storage_index_t, const lt::add_torrent_params*,
                         lt::aux::vector<std::string, lt::file_index_t>,
                         std::function<void(lt::status_t, const lt::storage_error&)>) override {}
  void async_stop_torrent(lt::storage_index_t, std::function<void()>) override {}
  void async_rename_file(lt::storage_index_t, lt::file_index_t, std::string,
                         std::function<void(const std::string&, lt::file_index_t,
                                            const lt::storage_error&)>) override {}
  void async_delete_files(lt::storage_index_t, lt::remove_flags_t,
                          std::function<void(const lt::storage_error&)>) override {}
  void async_set_file_priority(
      lt::storage_index_t, lt::aux::vector<lt::download_priority_t, lt::file_index_t>,
      std::function<void(const lt::storage_error&,
                         lt::aux::vector<lt::download_priority_t, lt::file_index_t>)>) override {}
  void async_clear_piece(lt::storage_index_t, lt::piece_index_t piece,
                         std::function<void(lt::piece_index_t)> handler) override {
    lt::post(ios_, [piece, handler = std::move(handler)] { handler(piece); });
  }
  void update_stats_counters(lt::counters&) const override {}
  std::vector<lt::open_file_state> get_status(lt::storage_index_t) const override { return {}; }
  void abort(bool) override {}
  void submit_jobs() override {}
  void settings_updated() override {}

 private:
  lt::io_context& ios_;
  const lt::file_storage* files_ = nullptr;
  std::map<int, std::string> pieces_;
};

// The result that async_hash passed to its handler.
struct HashResult {
  lt::sha1_hash sha1;
  std::vector<lt::sha256_hash> block_hashes;
  bool failed = false;
};

class StreamingHashDiskIoTest : public ::testing::Test {
 protected:
  // A torrent of one file of `file_size` bytes; every test hashes its
  // piece 0. A v2 torrent is hybrid, as make_metainfo() makes them.
  void use_torrent(int file_size, int piece_size, bool v2, StreamingHashLimits limits = {}) {
    content_ = random_bytes(static_cast<std::size_t>(file_size), 7);
    if (v2) {
      write_payload(dir_.path(), {{"payload.bin", content_}});
      info_ = parse_metainfo_bytes(make_metainfo(dir_.path(), "payload.bin", piece_size));
      files_ = info_->files();
    } else {
      files_.set_piece_length(piece_size);
      files_.add_file("payload.bin", file_size);
      files_.set_num_pieces((file_size + piece_size - 1) / piece_size);
    }
    add_storage(limits);
  }

  // A hybrid torrent of two files, 40 KiB and 16 KiB, in pieces of 64 KiB:
  // piece 0 contains the first file and a pad file of 24 KiB.
  void use_padded_torrent() {
    const std::string first = random_bytes(40 * 1024, 8);
    write_payload(dir_.path(), {{"set/a.bin", first}, {"set/b.bin", random_bytes(16 * 1024, 9)}});
    info_ = parse_metainfo_bytes(make_metainfo(dir_.path(), "set", 64 * 1024));
    files_ = info_->files();
    content_ = first + std::string(24 * 1024, '\0');
    add_storage({});
  }

  void add_storage(StreamingHashLimits limits) {
    auto memory = std::make_unique<MemoryDisk>(ios_);
    memory_ = memory.get();
    disk_ = make_streaming_hash_disk_io(ios_, std::move(memory), limits);
    const lt::storage_params params(files_, nullptr, dir_.path().string(),
                                    lt::storage_mode_sparse, priorities_, lt::sha1_hash());
    storage_ = disk_->new_torrent(params, nullptr);
  }

  // Writes block `index` of piece 0 as sent by a peer: `content_`, or
  // `sent` when given.
  void write_block(int index, const std::string* sent = nullptr) {
    lt::peer_request request;
    request.piece = lt::piece_index_t{0};
    request.start = index * kBlock;
    request.length = std::min(kBlock, files_.piece_size(lt::piece_index_t{0}) - request.start);
    const std::string& bytes = sent ? *sent : content_;
    disk_->async_write(storage_, request, bytes.data() + request.start, nullptr,
                       [this](const lt::storage_error& error) { write_failed_ |= !!error; });
  }

  HashResult hash_piece(bool with_v2) {
    HashResult result;
    std::vector<lt::sha256_hash> block_hashes(
        with_v2 ? static_cast<std::size_t>(files_.blocks_in_piece2(lt::piece_index_t{0})) : 0);
    const lt::span<lt::sha256_hash> span(block_hashes);
    bool done = false;
    disk_->async_hash(storage_, lt::piece_index_t{0}, span, lt::disk_interface::v1_hash,
                      [&, hashes = std::move(block_hashes)](lt::piece_index_t,
                                                            const lt::sha1_hash& sha1,
                                                            const lt::storage_error& error) {
                        result.sha1 = sha1;
                        result.block_hashes = hashes;
                        result.failed = !!error;
                        done = true;
                      });
    // The hashing thread posts the result later; the guard keeps run_for()
    // waiting for it instead of returning at once.
    auto guard = boost::asio::make_work_guard(ios_);
    for (int round = 0; !done && round < 2000; ++round) {
      ios_.restart();
      ios_.run_for(std::chrono::milliseconds(5));
    }
    EXPECT_TRUE(done) << "async_hash never answered";
    return result;
  }

  lt::sha1_hash expected_sha1() const {
    const int size = files_.piece_size(lt::piece_index_t{0});
    return lt::hasher(content_.data(), size).final();
  }

  std::vector<lt::sha256_hash> expected_block_hashes() const {
    std::vector<lt::sha256_hash> hashes(
        static_cast<std::size_t>(files_.blocks_in_piece2(lt::piece_index_t{0})));
    MemoryDisk::fill_block_hashes(content_, files_.piece_size2(lt::piece_index_t{0}), hashes);
    return hashes;
  }

  TempDir dir_;
  lt::io_context ios_;
  std::string content_;
  std::shared_ptr<lt::torrent_info> info_;
  lt::file_storage files_;
  lt::aux::vector<lt::download_priority_t, lt::file_index_t> priorities_;
  MemoryDisk* memory_ = nullptr;
  std::unique_ptr<lt::disk_interface> disk_;
  lt::storage_holder storage_;
  bool write_failed_ = false;
};

TEST_F(StreamingHashDiskIoTest, InOrderBlocksAreHashedWithoutReadBack) {
  use_torrent(64 * 1024, 64 * 1024, false);
  for (int block = 0; block < 4; ++block) write_block(block);

  const HashResult result = hash_piece(false);
  EXPECT_FALSE(result.failed);
  EXPECT_EQ(result.sha1, expected_sha1());
  EXPECT_EQ(memory_->hash_calls, 0);
}

TEST_F(StreamingHashDiskIoTest, BlocksPastAGapWaitForIt) {
  use_torrent(64 * 1024, 64 * 1024, false);
  for (int block : {2, 0, 3, 1}) write_block(block);

  EXPECT_EQ(hash_piece(false).sha1, expected_sha1());
  EXPECT_EQ(memory_->hash_calls, 0);
}

TEST_F(StreamingHashDiskIoTest, ShortLastPieceIsHashedToItsEnd) {
  use_torrent(40 * 1024, 64 * 1024, false);
  for (int block = 0; block < 3; ++block) write_block(block);

  EXPECT_EQ(hash_piece(false).sha1, expected_sha1());
  EXPECT_EQ(memory_->hash_calls, 0);
}

TEST_F(StreamingHashDiskIoTest, V2BlockHashesComeWithTheSha1) {
  use_torrent(40 * 1024, 64 * 1024, true);
  for (int block = 0; block < 3; ++block) write_block(block);

  const HashResult result = hash_piece(true);
  EXPECT_EQ(result.sha1, expected_sha1());
  EXPECT_EQ(result.block_hashes, expected_block_hashes());
  EXPECT_EQ(memory_->hash_calls, 0);
}

TEST_F(StreamingHashDiskIoTest, PadFilesCountAsZeros) {
  use_padded_torrent();
  ASSERT_EQ(files_.piece_size(lt::piece_index_t{0}), 64 * 1024);
  // Block 2 is 8 KiB of a.bin and 8 KiB of padding, which this peer fills
  // with non-zero bytes. Block 3 lies wholly in the pad file, so it is
  // never downloaded.
  std::string sent = content_;
  std::fill(sent.begin() + 40 * 1024, sent.end(), 'x');
  for (int block = 0; block < 3; ++block) write_block(block, &sent);

  const HashResult result = hash_piece(true);
  EXPECT_EQ(result.sha1, expected_sha1());
  EXPECT_EQ(result.block_hashes, expected_block_hashes());
  EXPECT_EQ(memory_->hash_calls, 0);
}

TEST_F(StreamingHashDiskIoTest, BlockWrittenTwiceIsHashedFromDisk) {
  use_torrent(64 * 1024, 64 * 1024, false);
  for (int block : {0, 1, 1, 2, 3}) write_block(block);

  EXPECT_EQ(hash_piece(false).sha1, expected_sha1());
  EXPECT_EQ(memory_->hash_calls, 1);
}

TEST_F(StreamingHashDiskIoTest, MissingBlockIsHashedFromDisk) {
  use_torrent(64 * 1024, 64 * 1024, false);
  for (int block : {0, 1, 3}) write_block(block);

  hash_piece(false);
  EXPECT_EQ(memory_->hash_calls, 1);
}

TEST_F(StreamingHashDiskIoTest, FailedWriteIsHashedFromDisk) {
  use_torrent(64 * 1024, 64 * 1024, false);
  memory_->failing_offset = kBlock;
  for (int block = 0; block < 4; ++block) write_block(block);

  hash_piece(false);
  EXPECT_TRUE(write_failed_);
  EXPECT_EQ(memory_->hash_calls, 1);
}

TEST_F(StreamingHashDiskIoTest, HeldBlocksOverLimitFallBack) {
  StreamingHashLimits limits;
  limits.max_held_bytes = kBlock;
  use_torrent(64 * 1024, 64 * 1024, false, limits);
  for (int block : {2, 3, 0, 1}) write_block(block);

  EXPECT_EQ(hash_piece(false).sha1, expected_sha1());
  EXPECT_EQ(memory_->hash_calls, 1);
}

TEST_F(StreamingHashDiskIoTest, FullQueueIsHashedFromDisk) {
  StreamingHashLimits limits;
  limits.max_queued_bytes = 0;
  use_torrent(64 * 1024, 64 * 1024, false, limits);
  for (int block = 0; block < 4; ++block) write_block(block);

  EXPECT_EQ(hash_piece(false).sha1, expected_sha1());
  EXPECT_EQ(memory_->hash_calls, 1);
}

TEST_F(StreamingHashDiskIoTest, ClearedPieceIsHashedFromDisk) {
  use_torrent(64 * 1024, 64 * 1024, false);
  for (int block = 0; block < 4; ++block) write_block(block);
  disk_->async_clear_piece(storage_, lt::piece_index_t{0}, [](lt::piece_index_t) {});

  hash_piece(false);
  EXPECT_EQ(memory_->hash_calls, 1);
}

TEST_F(StreamingHashDiskIoTest, RewrittenPieceIsHashedAgainFromItsBlocks) {
  use_torrent(64 * 1024, 64 * 1024, false);
  for (int block = 0; block < 4; ++block) write_block(block);
  hash_piece(false);
  for (int block = 0; block < 4; ++block) write_block(block);

  EXPECT_EQ(hash_piece(false).sha1, expected_sha1());
  EXPECT_EQ(memory_->hash_calls, 0);
}

TEST_F(StreamingHashDiskIoTest, AfterAbortPiecesAreHashedFromDisk) {
  use_torrent(64 * 1024, 64 * 1024, false);
  for (int block = 0; block < 4; ++block) write_block(block);
  disk_->abort(true);

  EXPECT_EQ(hash_piece(false).sha1, expected_sha1());
  EXPECT_EQ(memory_->hash_calls, 1);
}

TEST_F(StreamingHashDiskIoTest, RemoveReachesWrappedBackend) {
  use_torrent(64 * 1024, 64 * 1024, false);
  write_block(0);
  storage_.reset();
  EXPECT_EQ(memory_->removed, 1);
}

}  // namespace
}  // namespace revaer::testing

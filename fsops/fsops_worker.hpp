#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/torrent.hpp"

namespace revaer {

// The fs_policy values one post-processing run uses, read when it starts.
struct FsPolicyView {
  std::filesystem::path library_root;
  std::string move_mode = "hardlink";  // copy|move|hardlink
};

struct FsopsJob {
  std::string torrent_id;
  std::filesystem::path source;  // the payload: download_dir / name
};

// Runs post-processing jobs one at a time on its own thread, so a slow copy
// never stalls the engine or the API.
class FsopsWorker {
 public:
  using PolicySource = std::function<FsPolicyView()>;
  // Receives every state change of a job, on the worker thread.
  using StatusSink = std::function<void(
      const std::string& torrent_id, const FsopsStatus& status,
      const std::optional<std::string>& library_path)>;

  FsopsWorker(PolicySource policy, StatusSink sink);
  ~FsopsWorker();  // stops after the running job; queued jobs are dropped

  FsopsWorker(const FsopsWorker&) = delete;
  FsopsWorker& operator=(const FsopsWorker&) = delete;

  void submit(FsopsJob job);
  void stop();

 private:
  void run();
  void process(const FsopsJob& job);

  PolicySource policy_;
  StatusSink sink_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<FsopsJob> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace revaer

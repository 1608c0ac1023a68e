#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/torrent.hpp"
#include "fsops/fs_policy.hpp"
#include "fsops/fsops_job.hpp"
#include "fsops/fsops_meta.hpp"

namespace revaer {

using FsopsWorkerOptions = FsopsRunOptions;

// Runs post-processing jobs one at a time on its own thread, so a slow copy
// never stalls the engine or the API. Each job runs the stages of
// run_fsops_job() with the policy PolicySource returns when it starts.
class FsopsWorker {
 public:
  using PolicySource = std::function<FsPolicyView()>;
  // Receives every state change of a job, on the worker thread.
  using StatusSink = FsopsStatusSink;

  // Without meta records: interrupted jobs are not resumed.
  FsopsWorker(PolicySource policy, StatusSink sink);
  // With `options.meta_dir` set, the jobs whose records show them
  // interrupted (state "running") are queued again first. The files of an
  // engine move they interrupted are put back in the torrent's stored
  // download folder (options.stored_download_dir) before the constructor
  // returns, so construct the worker before the engine starts.
  FsopsWorker(PolicySource policy, StatusSink sink, FsopsWorkerOptions options);
  ~FsopsWorker();  // stops after the running job; queued jobs are dropped

  FsopsWorker(const FsopsWorker&) = delete;
  FsopsWorker& operator=(const FsopsWorker&) = delete;

  void submit(FsopsJob job);
  void stop();

 private:
  void run();
  void process(const FsopsJob& job);
  void restore_move(const FsopsMeta& meta);

  PolicySource policy_;
  StatusSink sink_;
  FsopsWorkerOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<FsopsJob> queue_;
  bool stopping_ = false;
  std::atomic<bool> stop_requested_{false};  // read by the running job
  std::thread thread_;
};

}  // namespace revaer

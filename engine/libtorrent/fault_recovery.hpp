#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/retry_backoff.hpp"
#include "engine/engine_faults.hpp"

namespace revaer {

// The retry schedule of one torrent whose files or resume data could not
// be written.
struct TorrentFault {
  RetryBackoff backoff{kFaultRetryInitial, kFaultRetryMax};
  // A retry ran since the fault was raised, so the next status without an
  // error and with progress shows that it worked.
  bool retried = false;
  // Bytes of wanted pieces on disk when the last retry ran.
  std::int64_t done_at_retry = 0;
};

// The retry state of LibtorrentEngine's faults, owned by its alert
// thread.
struct FaultRecovery {
  // Listen sockets that could not be opened; one schedule for all of them,
  // because one call reopens every socket.
  RetryBackoff listen{kFaultRetryInitial, kFaultRetryMax};
  std::map<std::string, TorrentFault> storage;  // file errors, by torrent id
  std::map<std::string, TorrentFault> resume;   // failed resume writes, by torrent id
};

// Fault keys in EngineFaults.
inline const std::string kAlertLoopFault = "alert_loop";
std::string storage_fault_key(const std::string& torrent_id);
std::string resume_fault_key(const std::string& torrent_id);

}  // namespace revaer

#pragma once

#include <cstdint>
#include <vector>

#include <libtorrent/alert_types.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_stats.hpp>

#include "tests/engine/swarm.hpp"

namespace revaer::testing {

// A counter of `session`, such as "disk.num_blocks_read", or -1 when no
// session_stats_alert arrives. Pops and drops the session's other alerts.
inline std::int64_t session_counter(lt::session& session, const char* name) {
  const int index = lt::find_metric_idx(name);
  session.post_session_stats();
  std::int64_t value = -1;
  wait_until([&] {
    std::vector<lt::alert*> alerts;
    session.pop_alerts(&alerts);
    for (lt::alert* alert : alerts) {
      if (auto* stats = lt::alert_cast<lt::session_stats_alert>(alert)) {
        value = stats->counters()[index];
      }
    }
    return value >= 0;
  });
  return value;
}

}  // namespace revaer::testing

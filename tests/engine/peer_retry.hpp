#pragma once

#include <libtorrent/session.hpp>
#include <libtorrent/settings_pack.hpp>

#include "tests/engine/swarm.hpp"

namespace revaer::testing {

// Lets `seeder` retry a peer after 1 s instead of libtorrent's 60 s. A
// seeder whose connection a queued or paused torrent rejected would
// otherwise wait a minute before it connects again.
inline void retry_peers_quickly(Seeder& seeder) {
  lt::settings_pack pack;
  pack.set_int(lt::settings_pack::min_reconnect_time, 1);
  seeder.session().apply_settings(pack);
}

}  // namespace revaer::testing

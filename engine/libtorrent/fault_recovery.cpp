// LibtorrentEngine's handling of session faults on the alert thread:
// listen failures, storage errors and failed resume writes are raised in
// EngineFaults and retried with bounded back-off until they clear.

#include "engine/libtorrent/fault_recovery.hpp"

#include <exception>
#include <optional>
#include <vector>

#include <boost/system/error_code.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/operations.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_status.hpp>

#include "engine/libtorrent/libtorrent_engine.hpp"
#include "engine/libtorrent/session_settings.hpp"
#include "engine/libtorrent/status_catalog.hpp"

namespace revaer {
namespace {

const char* socket_name(lt::socket_type_t type) {
  switch (type) {
    case lt::socket_type_t::tcp:
      return "TCP";
    case lt::socket_type_t::utp:
      return "uTP";
    case lt::socket_type_t::tcp_ssl:
      return "TCP/SSL";
    case lt::socket_type_t::utp_ssl:
      return "uTP/SSL";
    default:
      return "other";
  }
}

std::string endpoint_text(const lt::address& address, int port) {
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(port);
}

// All listen faults of one socket type and address share this prefix, so
// a success on that address clears them whatever port failed before.
std::string listen_fault_prefix(lt::socket_type_t type, const lt::address& address) {
  return fmt::format("listen {} {}:", socket_name(type), address.to_string());
}

// The host has no such IPv6 address, or no IPv6 at all.
bool is_missing_ipv6(const lt::listen_failed_alert& alert) {
  return alert.address.is_v6() &&
         (alert.error == boost::system::errc::address_not_available ||
          alert.error == boost::system::errc::address_family_not_supported);
}

bool is_stuck(const lt::torrent_status& status) {
  return status.errc || (status.flags & lt::torrent_flags::upload_mode);
}

}  // namespace

std::string storage_fault_key(const std::string& torrent_id) { return "storage " + torrent_id; }

std::string resume_fault_key(const std::string& torrent_id) { return "resume " + torrent_id; }

void LibtorrentEngine::on_listen_failed(const lt::listen_failed_alert& alert) {
  const std::string endpoint = endpoint_text(alert.address, alert.port);
  const std::string key =
      listen_fault_prefix(alert.socket_type, alert.address) + std::to_string(alert.port);
  const std::string reason =
      fmt::format("could not listen on {} ({}, interface '{}'): {} failed: {}", endpoint,
                  socket_name(alert.socket_type), alert.listen_interface(),
                  lt::operation_name(alert.op), alert.error.message());
  if (default_listen_interfaces_ && is_missing_ipv6(alert)) {
    if (!missing_ipv6_logged_) {
      spdlog::warn("torrent engine {}. It listens without that address because it comes from "
                   "the default listen_interfaces. Set ipv6_mode to disabled to drop it.",
                   reason);
      missing_ipv6_logged_ = true;
    }
    return;
  }
  faults_.raise(key, reason);
  if (recovery_.listen.scheduled()) return;
  const std::chrono::milliseconds delay = recovery_.listen.schedule();
  spdlog::error("torrent engine {}; retrying in {} ms", reason, delay.count());
}

void LibtorrentEngine::on_listen_succeeded(const lt::listen_succeeded_alert& alert) {
  spdlog::info("libtorrent: {}", alert.message());
  // The alert may be older than a port change that apply() made since, so
  // the port is read from the session rather than taken from the alert.
  if (alert.socket_type == lt::socket_type_t::tcp) listen_port_ = session_->listen_port();

  const std::string prefix = listen_fault_prefix(alert.socket_type, alert.address);
  bool cleared = false;
  for (const EngineFault& fault : faults_.current()) {
    if (fault.key.rfind(prefix, 0) == 0) cleared = faults_.clear(fault.key) || cleared;
  }
  if (!cleared) return;
  spdlog::info("torrent engine listens on {} ({}) again after {} retries",
               endpoint_text(alert.address, alert.port), socket_name(alert.socket_type),
               recovery_.listen.attempts());
  if (!has_listen_fault()) recovery_.listen.reset();
}

bool LibtorrentEngine::has_listen_fault() const {
  for (const EngineFault& fault : faults_.current()) {
    if (fault.key.rfind("listen ", 0) == 0) return true;
  }
  return false;
}

void LibtorrentEngine::on_file_error(const lt::file_error_alert& alert) {
  const std::optional<std::string> id = catalog_->id_for_handle(alert.handle);
  if (!id) {
    spdlog::error("libtorrent: {}", alert.message());
    return;
  }
  raise_storage_fault(*id, fmt::format("torrent {}: {} of '{}' failed: {}", *id,
                                       lt::operation_name(alert.op), alert.filename(),
                                       alert.error.message()));
}

// libtorrent stops a torrent with an error, for example when a file it
// checks is shorter than expected after a failed write.
void LibtorrentEngine::on_torrent_error(const lt::torrent_error_alert& alert) {
  const std::optional<std::string> id = catalog_->id_for_handle(alert.handle);
  if (!id) {
    spdlog::error("libtorrent: {}", alert.message());
    return;
  }
  raise_storage_fault(*id, fmt::format("torrent {}: stopped with an error on '{}': {}", *id,
                                       alert.filename(), alert.error.message()));
}

void LibtorrentEngine::raise_storage_fault(const std::string& id, const std::string& reason) {
  faults_.raise(storage_fault_key(id), reason);
  TorrentFault& fault = recovery_.storage[id];
  fault.retried = false;
  if (fault.backoff.scheduled()) return;
  const std::chrono::milliseconds delay = fault.backoff.schedule();
  spdlog::error("storage error in {}; retrying in {} ms", reason, delay.count());
}

void LibtorrentEngine::on_resume_write_failed(const std::string& id, const std::exception& error) {
  const std::string reason =
      fmt::format("torrent {}: could not save resume data: {}", id, error.what());
  faults_.raise(resume_fault_key(id), reason);

  TorrentFault& fault = recovery_.resume[id];
  if (fault.backoff.scheduled()) return;
  const std::chrono::milliseconds delay = fault.backoff.schedule();
  spdlog::error("{}; the previous resume file stays; retrying in {} ms", reason, delay.count());
}

void LibtorrentEngine::on_resume_written(const std::string& id) {
  const auto fault = recovery_.resume.find(id);
  if (fault == recovery_.resume.end()) return;
  spdlog::info("saved resume data of torrent {} again after {} retries", id,
               fault->second.backoff.attempts());
  recovery_.resume.erase(fault);
  faults_.clear(resume_fault_key(id));
}

void LibtorrentEngine::check_storage_recovery(const std::string& id,
                                              const lt::torrent_status& status) {
  const auto fault = recovery_.storage.find(id);
  if (fault == recovery_.storage.end() || !fault->second.retried || is_stuck(status)) return;
  const bool progressed = status.total_wanted_done > fault->second.done_at_retry;
  const bool done = status.state == lt::torrent_status::finished ||
                    status.state == lt::torrent_status::seeding;
  if (!progressed && !done) return;

  spdlog::info("torrent {} writes its files again after {} retries", id,
               fault->second.backoff.attempts());
  recovery_.storage.erase(fault);
  faults_.clear(storage_fault_key(id));
}

void LibtorrentEngine::retry_faults() {
  if (recovery_.listen.take_due()) {
    spdlog::info("torrent engine retrying to listen on '{}' (retry {})",
                 listen_interfaces_setting(options_), recovery_.listen.attempts());
    session_->reopen_network_sockets();
  }
  retry_torrent_faults(recovery_.storage, storage_fault_key,
                       [this](const std::string& id, const lt::torrent_handle& handle,
                              TorrentFault& fault) { retry_storage(id, handle, fault); });
  retry_torrent_faults(recovery_.resume, resume_fault_key,
                       [this](const std::string& id, const lt::torrent_handle& handle,
                              TorrentFault& fault) {
                         spdlog::info("retrying to save resume data of torrent {} (retry {})", id,
                                      fault.backoff.attempts());
                         request_save(handle, false);
                       });
}

// Returns the torrent's handle, which is invalid while the session has
// not added it. Returns nullopt when the torrent was removed, after
// clearing its fault `key`.
std::optional<lt::torrent_handle> LibtorrentEngine::faulty_torrent_handle(const std::string& id,
                                                                          const std::string& key) {
  const std::optional<CatalogEntry> entry = catalog_->entry(id);
  if (entry) return entry->handle;
  spdlog::info("torrent {} was removed, so its fault '{}' is cleared", id, key);
  faults_.clear(key);
  return std::nullopt;
}

void LibtorrentEngine::retry_torrent_faults(std::map<std::string, TorrentFault>& faults,
                                            std::string (*key_of)(const std::string&),
                                            const TorrentRetry& retry) {
  for (auto it = faults.begin(); it != faults.end();) {
    const std::string& id = it->first;
    TorrentFault& fault = it->second;
    const std::optional<lt::torrent_handle> handle = faulty_torrent_handle(id, key_of(id));
    if (!handle) {
      it = faults.erase(it);
      continue;
    }
    if (handle->is_valid() && fault.backoff.take_due()) retry(id, *handle, fault);
    ++it;
  }
}

// Takes the torrent out of libtorrent's upload mode (set when the disk is
// full) and rechecks it, and clears its error (set, with a pause, on other
// file errors) and resumes it unless its record is paused.
void LibtorrentEngine::retry_storage(const std::string& id, const lt::torrent_handle& handle,
                                     TorrentFault& fault) {
  const lt::torrent_status status = handle.status({});
  spdlog::info("retrying storage of torrent {} (retry {})", id, fault.backoff.attempts());
  fault.retried = true;
  fault.done_at_retry = status.total_wanted_done;
  if (status.flags & lt::torrent_flags::upload_mode) {
    handle.unset_flags(lt::torrent_flags::upload_mode);
    // A block whose write failed can leave its piece locked in libtorrent's
    // piece picker, so the download stalls a few bytes short. A recheck
    // rebuilds the picker from the files on disk.
    handle.force_recheck();
  }
  if (!status.errc) return;

  handle.clear_error();
  // libtorrent paused the torrent with the error, and an error while it
  // checked files also cleared its auto_managed flag. A torrent whose record
  // is paused was stopped by a user or by its seeding limit, before or
  // after the error, so it stays stopped. Any other torrent is resumed as
  // resume() does it, back in the queue when its settings want that.
  const std::optional<CatalogEntry> entry = catalog_->entry(id);
  if (!entry || entry->record.paused) {
    spdlog::info("cleared the error of torrent {}; it stays stopped because it was paused", id);
    return;
  }
  if (entry->record.settings.auto_managed) handle.set_flags(lt::torrent_flags::auto_managed);
  handle.resume();
}

}  // namespace revaer

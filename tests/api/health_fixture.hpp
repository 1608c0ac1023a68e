#pragma once

#include "api/http_metrics.hpp"
#include "telemetry/health.hpp"
#include "telemetry/metrics.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/support/recording_publisher.hpp"

namespace revaer::test {

// A Store that forwards to another one, with a ping that can be made to
// fail as if the database were down.
class PingSwitchStore final : public Store {
 public:
  explicit PingSwitchStore(Store& inner) : inner_(inner) {}

  void transact(const std::function<void(StoreTransaction&)>& work) override {
    inner_.transact(work);
  }
  void put_torrent(const TorrentRecord& torrent) override { inner_.put_torrent(torrent); }
  void delete_torrent(std::string_view id) override { inner_.delete_torrent(id); }
  std::vector<TorrentRecord> torrents() override { return inner_.torrents(); }
  bool ping() noexcept override { return reachable_ && inner_.ping(); }

  void set_reachable(bool reachable) { reachable_ = reachable; }

 private:
  Store& inner_;
  std::atomic<bool> reachable_{true};
};

// ApiTest with a MetricsRegistry, a HealthRegistry (publishing to a
// RecordingPublisher) and a PingSwitchStore in the server's ApiContext.
class HealthApiTest : public ApiTest {
 protected:
  void SetUp() override {
    store_ = SqliteStore::open((dir_ / "revaer.db").string());
    ConfigDefaults defaults{(dir_ / "downloads").string(), (dir_ / "resume").string(),
                            (dir_ / "library").string()};
    config_ = std::make_unique<ConfigService>(*store_, defaults);
    config_->load();
    declare_http_metrics(metrics_);

    ping_store_ = std::make_unique<PingSwitchStore>(*store_);
    ApiContext context{*config_, engine_, *ping_store_, [this] { setup_completed_calls_++; }};
    context.metrics = &metrics_;
    context.health = &health_;
    server_ = std::make_unique<HttpServer>(io_, std::move(context), limits());
    port_ = server_->listen({boost::asio::ip::make_address("127.0.0.1"), 0}).port();
    for (std::thread& thread : threads_) {
      thread = std::thread([this] { io_.run(); });
    }
  }

  std::unique_ptr<PingSwitchStore> ping_store_;
  MetricsRegistry metrics_;
  RecordingPublisher events_;
  HealthRegistry health_{&events_};
};

}  // namespace revaer::test

#include "api/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "api/server_state.hpp"

namespace revaer {
namespace {

using asio::ip::tcp;

constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

ServerState::ServerState(asio::io_context& io, ApiContext api,
                         HttpLimits limits)
    : io_(io),
      api_(std::move(api)),
      limits_(limits),
      dispatcher_(api_, limits_.auth_failures) {}

tcp::endpoint ServerState::listen(const tcp::endpoint& endpoint) {
  auto acceptor = std::make_shared<Acceptor>(asio::make_strand(io_));
  acceptor->open(endpoint.protocol());
  acceptor->set_option(asio::socket_base::reuse_address(true));
  acceptor->bind(endpoint);
  acceptor->listen(asio::socket_base::max_listen_connections);
  tcp::endpoint bound = acceptor->local_endpoint();

  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      throw std::logic_error("HttpServer::listen called after stop");
    }
    acceptors_.push_back(acceptor);
  }
  asio::co_spawn(acceptor->get_executor(), accept_loop(acceptor),
                 asio::detached);
  spdlog::debug("HTTP API listening on {}:{}", bound.address().to_string(),
               bound.port());
  return bound;
}

asio::awaitable<void> ServerState::accept_loop(
    std::shared_ptr<Acceptor> acceptor) {
  auto self = shared_from_this();
  boost::system::error_code bound_error;
  const asio::ip::address listen_address =
      acceptor->local_endpoint(bound_error).address();
  while (acceptor->is_open()) {
    boost::system::error_code ec;
    asio::any_io_executor strand = asio::make_strand(io_);
    tcp::socket socket = co_await acceptor->async_accept(
        strand, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) {
      break;
    }
    if (ec) {
      // Typically EMFILE. Waiting lets connections close before a retry.
      spdlog::warn("could not accept a connection: {}", ec.message());
      asio::steady_timer delay(acceptor->get_executor(), kAcceptRetryDelay);
      co_await delay.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    admit(std::move(socket), listen_address);
  }
}

void ServerState::admit(tcp::socket socket,
                        const asio::ip::address& listen_address) {
  std::unique_lock lock(mutex_);
  if (stopping_) {
    return;  // the socket closes when it goes out of scope
  }

  if (connections_.size() >= limits_.max_connections) {
    lock.unlock();
    asio::any_io_executor executor = socket.get_executor();
    asio::co_spawn(executor,
                   reject_connection(shared_from_this(), std::move(socket)),
                   asio::detached);
    return;
  }

  std::uint64_t id = next_connection_id_++;
  auto connection =
      std::make_shared<Connection>(std::move(socket), id, listen_address);
  connections_.emplace(id, connection);
  lock.unlock();

  asio::co_spawn(connection->stream.get_executor(),
                 serve_connection(shared_from_this(), connection),
                 asio::detached);
}

void ServerState::forget(std::uint64_t connection_id) {
  std::unique_lock lock(mutex_);
  connections_.erase(connection_id);
  if (stopping_ && connections_.empty()) {
    finish_stop(lock);
  }
}

void ServerState::stop(std::function<void()> on_stopped) {
  std::unique_lock lock(mutex_);
  if (on_stopped) {
    stop_callbacks_.push_back(std::move(on_stopped));
  }
  if (stopping_) {
    if (connections_.empty()) {
      finish_stop(lock);
    }
    return;
  }
  stopping_ = true;

  for (const std::shared_ptr<Acceptor>& acceptor : acceptors_) {
    asio::post(acceptor->get_executor(), [acceptor] {
      boost::system::error_code ignored;
      acceptor->close(ignored);
    });
  }

  // Idle connections close now, busy ones after their response.
  for (const auto& [id, connection] : connections_) {
    asio::post(connection->stream.get_executor(), [connection] {
      connection->stopping = true;
      if (!connection->busy) {
        connection->stream.close();
      }
    });
  }

  if (connections_.empty()) {
    finish_stop(lock);
    return;
  }
  spdlog::info("HTTP API stopping; {} connection(s) open",
               connections_.size());
  grace_timer_.emplace(io_, limits_.shutdown_grace);
  grace_timer_->async_wait(
      [self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) {
          self->close_remaining();
        }
      });
}

void ServerState::close_remaining() {
  std::lock_guard lock(mutex_);
  if (!connections_.empty()) {
    spdlog::warn("HTTP API closing {} connection(s) still busy after {} ms",
                 connections_.size(), limits_.shutdown_grace.count());
  }
  for (const auto& [id, connection] : connections_) {
    asio::post(connection->stream.get_executor(),
               [connection] { connection->stream.close(); });
  }
}

// Runs the stop callbacks outside the lock. Called with `lock` held.
void ServerState::finish_stop(std::unique_lock<std::mutex>& lock) {
  if (grace_timer_) {
    grace_timer_->cancel();
  }
  if (!stopped_) {
    stopped_ = true;
    spdlog::info("HTTP API stopped");
  }
  std::vector<std::function<void()>> callbacks;
  callbacks.swap(stop_callbacks_);
  lock.unlock();

  for (const auto& callback : callbacks) {
    callback();
  }
}

std::size_t ServerState::connection_count() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

HttpServer::HttpServer(asio::io_context& io, ApiContext api,
                       HttpLimits limits)
    : state_(std::make_shared<ServerState>(io, std::move(api), limits)) {}

HttpServer::~HttpServer() { state_->stop({}); }

tcp::endpoint HttpServer::listen(const tcp::endpoint& endpoint) {
  return state_->listen(endpoint);
}

void HttpServer::stop(std::function<void()> on_stopped) {
  state_->stop(std::move(on_stopped));
}

std::size_t HttpServer::connection_count() const {
  return state_->connection_count();
}

}  // namespace revaer

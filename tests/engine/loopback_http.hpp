#pragma once

// A small HTTP/1.1 server on 127.0.0.1 for engine tests. It serves as a
// BitTorrent tracker (announce replies) or as a web seed (BEP 19 file
// ranges), and records the path and query of each request.

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

namespace revaer::testing {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Serves each request with `handler` on its own thread per connection,
// requests of one connection in order. The destructor shuts every socket
// down and joins the threads.
class LoopbackHttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  explicit LoopbackHttpServer(Handler handler);
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" followed by `path`.
  std::string url(std::string_view path) const;
  // How many requests had this path (the target without its query).
  int request_count(const std::string& path) const;
  // The query strings of the requests for `path`, oldest first.
  std::vector<std::string> queries(const std::string& path) const;
  // Every path requested so far, each once, in sorted order.
  std::vector<std::string> paths() const;

 private:
  void accept_loop();
  void serve(std::shared_ptr<boost::asio::ip::tcp::socket> socket);

  Handler handler_;
  boost::asio::io_context context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  int port_ = 0;
  std::thread accept_thread_;

  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;
  std::vector<std::thread> connection_threads_;
  std::map<std::string, std::vector<std::string>> queries_by_path_;
};

// Decodes %XX escapes. Returns false for a malformed escape.
bool percent_decode(std::string_view text, std::string& decoded);

// Serves a GET for the file at the percent-decoded target after `prefix`
// under `root`, with one "Range: bytes=first-last" honoured (206). Returns
// 404 for a missing file or a path with a ".." component, 416 for a range
// outside the file.
HttpResponse serve_file(const HttpRequest& request, const std::filesystem::path& root,
                        std::string_view prefix);

// A tracker's announce reply: `seeds` complete and `leechers` incomplete
// peers, the next announce in `interval_seconds`, and an empty peer list.
HttpResponse announce_reply(int seeds, int leechers, int interval_seconds);

// A tracker's announce reply with a "failure reason".
HttpResponse announce_failure(const std::string& reason);

}  // namespace revaer::testing

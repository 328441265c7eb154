// FakeHttpServer: a tiny HTTP/1.1 server on 127.0.0.1 for unit tests of the S3 client.
//
// It listens on an ephemeral port, serves one connection at a time on its own thread and closes
// each connection after one answer ("Connection: close"), so every request the client makes is
// one accepted connection and one entry in requests(). What to answer is up to the test's
// handler; the server only insists on what every signed S3 request carries: a request without
// x-amz-content-sha256 or Authorization gets a 400 with an S3 error document, so a client that
// stopped signing fails the test loudly.
//
// Bounded in time: sockets have 2 s send/receive timeouts and the accept loop polls a stop flag
// every 20 ms. stop() (also run by the destructor) joins the thread.
//
// Thread-safe: requests() may be called while the server runs; the handler runs on the server
// thread.
#pragma once

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace gogooku3::storage {

class FakeHttpServer {
 public:
  struct Request {
    std::string method;
    std::string target;                          // as sent: "/bucket/key?query"
    std::map<std::string, std::string> headers;  // names lowercased
    std::string body;
  };
  struct Reply {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  using Handler = std::function<Reply(const Request&)>;

  explicit FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listener_ < 0) throw std::runtime_error("FakeHttpServer: socket() failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ::close(listener_);
      throw std::runtime_error("FakeHttpServer: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeHttpServer() { stop(); }
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) {
      ::close(listener_);
      listener_ = -1;
    }
  }

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (!stopping_) {
      pollfd waiting{listener_, POLLIN, 0};
      if (::poll(&waiting, 1, 20) <= 0) continue;
      const int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      timeval timeout{2, 0};
      ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
      ::setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
      answer(connection);
      ::close(connection);
    }
  }

  void answer(int connection) {
    std::string received;
    std::size_t header_end = std::string::npos;
    while ((header_end = received.find("\r\n\r\n")) == std::string::npos) {
      if (!receive_some(connection, received)) return;
    }
    Request request = parse_head(received.substr(0, header_end));
    received.erase(0, header_end + 4);

    std::size_t content_length = 0;
    if (const auto it = request.headers.find("content-length"); it != request.headers.end()) {
      content_length = std::strtoull(it->second.c_str(), nullptr, 10);
    }
    if (const auto it = request.headers.find("expect");
        it != request.headers.end() && content_length > received.size()) {
      send_all(connection, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    while (received.size() < content_length) {
      if (!receive_some(connection, received)) return;
    }
    request.body = received.substr(0, content_length);

    Reply reply;
    if (!request.headers.contains("x-amz-content-sha256") ||
        !request.headers.contains("authorization")) {
      reply.status = 400;
      reply.body =
          "<Error><Code>MissingSecurityHeader</Code><Message>unsigned request</Message></Error>";
    } else {
      reply = handler_(request);
    }
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }

    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " Fake\r\n";
    for (const auto& [name, value] : reply.headers) out += fmt::format("{}: {}\r\n", name, value);
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    out += "Connection: close\r\n\r\n";
    // A HEAD answer announces the length of the body it does not send.
    if (request.method != "HEAD") out += reply.body;
    send_all(connection, out);
  }

  static Request parse_head(const std::string& head) {
    Request request;
    std::size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const std::size_t first_space = request_line.find(' ');
    const std::size_t second_space = request_line.find(' ', first_space + 1);
    request.method = request_line.substr(0, first_space);
    request.target = request_line.substr(first_space + 1, second_space - first_space - 1);
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end - start);
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const std::size_t value_start = line.find_first_not_of(" \t", colon + 1);
      request.headers[name] = value_start == std::string::npos ? "" : line.substr(value_start);
    }
    return request;
  }

  static bool receive_some(int connection, std::string& received) {
    char buffer[4096];
    const ssize_t got = ::recv(connection, buffer, sizeof(buffer), 0);
    if (got <= 0) return false;
    received.append(buffer, static_cast<std::size_t>(got));
    return true;
  }

  static void send_all(int connection, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t wrote =
          ::send(connection, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (wrote <= 0) return;
      sent += static_cast<std::size_t>(wrote);
    }
  }

  Handler handler_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Request> requests_;
};

}  // namespace gogooku3::storage

// PostgreSQL handles (libpq): an owned connection that runs parameterised statements, prepared
// once per connection and cached like the SQLite backend's, an owned result, and the
// transaction discipline every PostgreSQL writer here follows.
//
// Errors: libpq's SQLSTATE becomes a gogooku3 category, the same ones the SQLite backend uses
// for the same situations — a broken or unreachable connection, a serialization failure, a
// deadlock or a server short of resources is Transient; a refused login is Unauthorized; a
// constraint violation or a value the column refuses is InvalidInput; a missing schema or database
// is InvalidInput naming it; refused privileges or credentials are Unauthorized; damaged pages are
// Corruption; anything else (a syntax error is ours) is Internal. Messages name the server by
// target(), the URL without its password, and never quote the password.
//
// Transactions run at READ COMMITTED. A transaction the server aborted as a serialization
// failure or deadlock victim has left nothing behind, so transaction() runs it again, up to a
// bound; every other failure rolls back and propagates. A connection the server dropped is
// re-established at the start of the next transaction or query (never in the middle of one,
// whose outcome would then be unknown).
//
// Ownership: a Connection owns its PGconn and closes it when destroyed; a Result owns its
// PGresult. Thread safety: none — one thread at a time uses a Connection (its owner holds a
// mutex). A Connection must not be used in a child after fork(); the child opens its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/error.h"

struct pg_conn;
struct pg_result;

namespace gogooku3::storage::postgres {

// A URL or key=value connection string as people may see it: the keywords that say where the
// database is (user, host, port, dbname) rebuilt as postgresql://user@host:port/dbname, with the
// password and every other option left out. InvalidInput when libpq cannot parse it.
std::string describe_target(std::string_view url);

// An attempt the server aborted so that another could go on (SQLSTATE 40001, 40P01). Transient,
// so that should it escape the retry loop the orchestrator still classifies it right; the loop
// catches it by type.
class TransactionConflict : public Error {
 public:
  TransactionConflict(const std::string& message, std::string reason)
      : Error(ErrorCategory::kTransient, message), reason_(std::move(reason)) {}

  // What conflicted, without the server: "deadlock detected while running 'UPDATE ...'".
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

// The parameters $1, $2, ... of one statement, in text form (what the server parses by the
// column's type).
class Params {
 public:
  Params& text(std::string_view value);
  Params& int64(std::int64_t value);
  Params& boolean(bool value);
  Params& null();
  Params& optional_text(const std::optional<std::string>& value);
  Params& optional_int64(std::optional<std::int64_t> value);

  int size() const { return static_cast<int>(values_.size()); }
  // libpq's view: one pointer per parameter, nullptr for SQL NULL; valid while *this lives.
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

struct ResultDeleter {
  void operator()(pg_result* result) const;
};

// The rows of one statement. Columns are numbered from 0, in the order of the SELECT list.
class Result {
 public:
  Result(std::unique_ptr<pg_result, ResultDeleter> result, std::string database);

  int rows() const;
  // Rows an INSERT, UPDATE or DELETE changed.
  std::int64_t affected_rows() const;

  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;
  // Corruption naming the database when the value is not a 64-bit integer.
  std::int64_t int64(int row, int column) const;
  std::optional<std::int64_t> optional_int64(int row, int column) const;
  bool boolean(int row, int column) const;

 private:
  std::unique_ptr<pg_result, ResultDeleter> result_;
  std::string database_;
};

struct ConnectionOptions {
  // Used when the URL sets no connect_timeout; 0 would wait for as long as the OS does.
  std::chrono::seconds connect_timeout{10};
  // Attempts of a transaction that keeps losing serialization conflicts or deadlocks.
  int max_attempts = 5;
};

class Connection {
 public:
  // Connects; Transient naming target() when the server cannot be reached, Unauthorized when
  // it refuses the user or password,
  // InvalidInput when the URL is not a connection string.
  Connection(std::string url, ConnectionOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // postgresql://user@host:port/dbname, for messages (see describe_target).
  const std::string& target() const { return target_; }

  // SQL without parameters, possibly several statements separated by ';' (migrations, LOCK,
  // transaction control).
  void exec(std::string_view sql);
  // One statement with parameters $1, $2, ...; prepared on first use and cached by its text.
  Result query(std::string_view sql, const Params& params = {});

  // Runs `body` in a transaction and commits; if `body` throws, rolls back and rethrows. A
  // serialization failure or deadlock runs the whole transaction again (so `body` must have no
  // effects outside the database), up to max_attempts, then is Transient naming the server.
  template <typename Body>
  auto transaction(Body&& body);

  // Re-establishes a connection the server dropped; Transient when it cannot.
  void reconnect_if_broken();

  // The gogooku3 Error for a failed `result` (null: libpq could not even make one), naming the
  // server; `during` says what was being done ("running 'INSERT INTO events ...'").
  [[noreturn]] void throw_error(const pg_result* result, std::string_view during) const;

 private:
  void connect();
  void rollback_quietly() noexcept;
  void wait_before_retry(int attempt) const;
  [[noreturn]] void throw_still_conflicting(int attempts, std::string_view reason) const;

  std::string url_;
  std::string target_;
  ConnectionOptions options_;
  pg_conn* conn_ = nullptr;
  // Prepared statement names by SQL text; a new session forgets them, so reconnecting clears it.
  std::unordered_map<std::string, std::string> prepared_;
};

template <typename Body>
auto Connection::transaction(Body&& body) {
  reconnect_if_broken();
  for (int attempt = 1;; ++attempt) {
    try {
      exec("BEGIN");
      try {
        if constexpr (std::is_void_v<std::invoke_result_t<Body&>>) {
          body();
          exec("COMMIT");
          return;
        } else {
          auto result = body();
          exec("COMMIT");
          return result;
        }
      } catch (...) {
        rollback_quietly();
        throw;
      }
    } catch (const TransactionConflict& conflict) {
      if (attempt >= options_.max_attempts) throw_still_conflicting(attempt, conflict.reason());
      wait_before_retry(attempt);
    }
  }
}

}  // namespace gogooku3::storage::postgres

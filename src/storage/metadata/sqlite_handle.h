// SQLite handles: an owned connection with a cache of prepared statements, a borrowed statement
// that resets itself, and the write-transaction discipline every SQLite writer here follows.
//
// Why BEGIN IMMEDIATE and a retry loop, not just a busy timeout: a deferred transaction that
// reads first and writes later cannot wait for the write lock (waiting could deadlock against
// another such reader, so SQLite answers SQLITE_BUSY at once without calling the busy handler).
// Taking the write lock at BEGIN makes the busy handler apply; the bounded loop then covers what
// the handler never sees (SQLITE_BUSY_RECOVERY and _SNAPSHOT in WAL mode, SQLITE_LOCKED, a lock
// held past the busy timeout). When the bound is reached the caller gets a Transient error that
// names the database file, which the orchestrator retries with backoff.
//
// Ownership: a Connection owns its sqlite3 handle and every cached statement and closes them
// when destroyed. A Statement borrows one cached statement for one use and must not outlive its
// Connection; it resets the statement when it goes out of scope, so no half-read query keeps a
// read transaction open (which would hold back WAL checkpoints).
//
// Thread safety: none. One thread at a time uses a Connection (its owner holds a mutex), which
// is why SQLite is opened without its own mutexes. A Connection must not be used in a child
// after fork(); the child opens its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace gogooku3::storage::sqlite {

// One attempt that found the database locked. It is Transient so that, should it ever escape a
// retry loop, the orchestrator still classifies it right; the loop catches it by type.
class DatabaseBusy : public Error {
 public:
  DatabaseBusy(const std::string& message, std::string reason)
      : Error(ErrorCategory::kTransient, message), reason_(std::move(reason)) {}

  // What was locked, without the file name: "database is locked while running 'BEGIN ...'".
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

struct LockRetryPolicy {
  std::chrono::milliseconds busy_timeout{10'000};  // the busy handler's wait, per attempt
  int max_attempts = 5;                            // attempts before giving up with Transient
};

class Connection;

class Statement {
 public:
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are numbered from 1, as ?1, ?2, ... in the SQL. Distinct names rather than
  // overloads, so a string literal can never bind as a bool.
  Statement& bind_int64(int index, std::int64_t value);
  Statement& bind_double(int index, double value);
  Statement& bind_text(int index, std::string_view value);
  Statement& bind_null(int index);
  Statement& bind_optional_text(int index, const std::optional<std::string>& value);
  Statement& bind_optional_int64(int index, std::optional<std::int64_t> value);

  // Advances to the next row: true while there is one.
  bool step();
  // Steps a statement that returns no rows (INSERT, UPDATE, DELETE) to completion.
  void run();

  bool column_is_null(int index) const;
  std::int64_t column_int64(int index) const;
  double column_double(int index) const;
  std::string column_text(int index) const;
  std::optional<std::string> column_optional_text(int index) const;
  std::optional<std::int64_t> column_optional_int64(int index) const;

 private:
  friend class Connection;
  Statement(const Connection& connection, sqlite3_stmt* statement);

  void check_bind(int rc, int index);

  const Connection* connection_;
  sqlite3_stmt* statement_;
};

class Connection {
 public:
  // Opens the file, creating it if absent (its directory must exist). SQLite reads nothing
  // yet, so a file that is not a database is reported by the first statement, not here.
  Connection(std::string path, LockRetryPolicy policy);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& path() const { return path_; }

  // SQL without parameters: pragmas, transaction control, migrations (may hold several
  // statements separated by ';').
  void exec(std::string_view sql);
  // The cached prepared statement for `sql`, reset and with no bindings.
  Statement statement(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  int changes() const;  // rows changed by the last INSERT, UPDATE or DELETE

  // Runs `body` in a BEGIN IMMEDIATE transaction and commits; if `body` throws, rolls back and
  // rethrows. A locked database retries the whole transaction (so `body` must have no effects
  // outside the database), up to the policy's bound.
  template <typename Body>
  auto write_transaction(Body&& body);

  // Runs `attempt` again while it fails with DatabaseBusy, up to the policy's bound; for reads
  // and pragmas, which need no transaction of their own.
  template <typename Attempt>
  auto retry_while_busy(Attempt&& attempt);

  // Throws the gogooku3 Error for SQLite result `rc`, naming the file; `during` says what was
  // being done ("running 'INSERT INTO events ...'").
  [[noreturn]] void throw_error(int rc, std::string_view during) const;

 private:
  struct StatementDeleter {
    void operator()(sqlite3_stmt* statement) const;
  };
  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  void rollback_quietly() noexcept;
  void wait_before_retry(int attempt) const;
  [[noreturn]] void throw_still_locked(int attempts, std::string_view reason) const;

  std::string path_;
  LockRetryPolicy policy_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, StatementDeleter>, TransparentHash,
                     std::equal_to<>>
      statements_;
};

template <typename Attempt>
auto Connection::retry_while_busy(Attempt&& attempt) {
  for (int attempt_number = 1;; ++attempt_number) {
    try {
      return attempt();
    } catch (const DatabaseBusy& busy) {
      if (attempt_number >= policy_.max_attempts) throw_still_locked(attempt_number, busy.reason());
      wait_before_retry(attempt_number);
    }
  }
}

template <typename Body>
auto Connection::write_transaction(Body&& body) {
  return retry_while_busy([&] {
    exec("BEGIN IMMEDIATE");
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<Body&>>) {
        body();
        exec("COMMIT");
      } else {
        auto result = body();
        exec("COMMIT");
        return result;
      }
    } catch (...) {
      rollback_quietly();
      throw;
    }
  });
}

}  // namespace gogooku3::storage::sqlite

#include "storage/metadata/sqlite_handle.h"

#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <random>
#include <thread>

namespace gogooku3::storage::sqlite {
namespace {

// Enough of the SQL to recognise the statement in an error message without quoting a page.
std::string sql_excerpt(std::string_view sql) {
  constexpr std::size_t kMaxChars = 72;
  std::string excerpt(sql.substr(0, std::min(sql.size(), kMaxChars)));
  std::replace(excerpt.begin(), excerpt.end(), '\n', ' ');
  if (sql.size() > kMaxChars) excerpt += "...";
  return excerpt;
}

}  // namespace

// --- Statement -------------------------------------------------------------------------------

Statement::Statement(const Connection& connection, sqlite3_stmt* statement)
    : connection_(&connection), statement_(statement) {}

Statement::~Statement() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

void Statement::check_bind(int rc, int index) {
  if (rc != SQLITE_OK) {
    connection_->throw_error(rc, fmt::format("binding parameter {} of '{}'", index,
                                             sql_excerpt(sqlite3_sql(statement_))));
  }
}

Statement& Statement::bind_int64(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(statement_, index, value), index);
  return *this;
}

Statement& Statement::bind_double(int index, double value) {
  check_bind(sqlite3_bind_double(statement_, index, value), index);
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's string may die before step().
  check_bind(sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8),
             index);
  return *this;
}

Statement& Statement::bind_null(int index) {
  check_bind(sqlite3_bind_null(statement_, index), index);
  return *this;
}

Statement& Statement::bind_optional_text(int index, const std::optional<std::string>& value) {
  return value ? bind_text(index, *value) : bind_null(index);
}

Statement& Statement::bind_optional_int64(int index, std::optional<std::int64_t> value) {
  return value ? bind_int64(index, *value) : bind_null(index);
}

bool Statement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  connection_->throw_error(rc, fmt::format("running '{}'", sql_excerpt(sqlite3_sql(statement_))));
}

void Statement::run() {
  while (step()) {
  }
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(statement_, index) == SQLITE_NULL;
}

std::int64_t Statement::column_int64(int index) const {
  return sqlite3_column_int64(statement_, index);
}

double Statement::column_double(int index) const {
  return sqlite3_column_double(statement_, index);
}

std::string Statement::column_text(int index) const {
  // The pointer first, then the size: that order makes SQLite report the size of the UTF-8 form.
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, index));
  const int size = sqlite3_column_bytes(statement_, index);
  return text == nullptr ? std::string() : std::string(text, static_cast<std::size_t>(size));
}

std::optional<std::string> Statement::column_optional_text(int index) const {
  if (column_is_null(index)) return std::nullopt;
  return column_text(index);
}

std::optional<std::int64_t> Statement::column_optional_int64(int index) const {
  if (column_is_null(index)) return std::nullopt;
  return column_int64(index);
}

// --- Connection ------------------------------------------------------------------------------

void Connection::StatementDeleter::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

Connection::Connection(std::string path, LockRetryPolicy policy)
    : path_(std::move(path)), policy_(policy) {
  // NOMUTEX: the owner serialises all use, so SQLite's own per-call mutex would be pure cost.
  const int rc =
      sqlite3_open_v2(path_.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    // Report before closing: the handle holds the message.
    try {
      throw_error(rc, "opening the file");
    } catch (...) {
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw;
    }
  }
  sqlite3_extended_result_codes(db_, 1);
  const auto timeout_ms = std::clamp<std::int64_t>(policy_.busy_timeout.count(), 0, INT_MAX);
  sqlite3_busy_timeout(db_, static_cast<int>(timeout_ms));
}

Connection::~Connection() {
  statements_.clear();  // statements first: a handle with live statements does not close
  sqlite3_close_v2(db_);
}

void Connection::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);  // sqlite3_errmsg() still holds the same text
  if (rc != SQLITE_OK) throw_error(rc, fmt::format("running '{}'", sql_excerpt(sql)));
}

Statement Connection::statement(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    sqlite3_stmt* prepared = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &prepared, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(prepared);
      throw_error(rc, fmt::format("preparing '{}'", sql_excerpt(sql)));
    }
    found = statements_.emplace(std::string(sql), prepared).first;
  }
  return Statement(*this, found->second.get());
}

std::int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int Connection::changes() const { return sqlite3_changes(db_); }

void Connection::rollback_quietly() noexcept {
  // A failed COMMIT or statement may already have ended the transaction; ROLLBACK outside one
  // is an error worth nothing here, and the original failure is what the caller must see.
  if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Connection::wait_before_retry(int attempt) const {
  // Exponential with jitter, so writers that collided do not collide again in lockstep.
  const int ceiling_ms = std::min(200, 5 << std::min(attempt, 6));
  std::uniform_int_distribution<int> spread(ceiling_ms / 2, ceiling_ms);
  std::random_device random;
  std::this_thread::sleep_for(std::chrono::milliseconds(spread(random)));
}

void Connection::throw_still_locked(int attempts, std::string_view reason) const {
  throw transient(
      "SQLite database {} is still locked after {} attempts of up to {} ms each (last: {}): "
      "another process holds a long write transaction. Retry later, or find the process that "
      "has the file open",
      path_, attempts, policy_.busy_timeout.count(), reason);
}

void Connection::throw_error(int rc, std::string_view during) const {
  const std::string detail = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: {
      std::string reason = fmt::format("{} while {}", detail, during);
      throw DatabaseBusy(fmt::format("SQLite database {}: {}", path_, reason), std::move(reason));
    }
    case SQLITE_NOTADB:
      throw corruption(
          "{} is not a SQLite database ({}): gogooku3 expected its metadata database there. Move "
          "the file aside or configure another database path",
          path_, detail);
    case SQLITE_CORRUPT:
      throw corruption(
          "SQLite database {} is damaged ({}) while {}: restore it from a backup, or move it "
          "aside to start a fresh one",
          path_, detail, during);
    case SQLITE_CONSTRAINT:
      throw invalid_input("SQLite database {}: {} while {}", path_, detail, during);
    case SQLITE_FULL:
    case SQLITE_IOERR:
      throw transient("SQLite database {}: {} while {}; check free disk space and the file system",
                      path_, detail, during);
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      throw invalid_input(
          "cannot use SQLite database {} ({}) while {}: check that the path is a writable file",
          path_, detail, during);
    default:
      throw internal_error("SQLite database {}: {} (result code {}) while {}", path_, detail, rc,
                           during);
  }
}

}  // namespace gogooku3::storage::sqlite

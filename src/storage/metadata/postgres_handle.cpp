#include "storage/metadata/postgres_handle.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <random>
#include <thread>

namespace gogooku3::storage::postgres {
namespace {

// Enough of the SQL to recognise the statement in an error message without quoting a page.
std::string sql_excerpt(std::string_view sql) {
  constexpr std::size_t kMaxChars = 72;
  std::string excerpt(sql.substr(0, std::min(sql.size(), kMaxChars)));
  std::replace(excerpt.begin(), excerpt.end(), '\n', ' ');
  if (sql.size() > kMaxChars) excerpt += "...";
  return excerpt;
}

// libpq ends its messages with a newline (sometimes several lines); one line reads better
// inside ours.
std::string one_line(std::string_view message) {
  std::string line(message);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  std::replace(line.begin(), line.end(), '\n', ' ');
  return line;
}

// The password of a scheme://user:password@host URL as written, to scrub it from libpq's
// messages about a URL it could not parse (they may quote the part they choked on).
std::string_view url_password(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  const std::size_t at = url.find('@', scheme + 3);
  const std::size_t colon = url.find(':', scheme + 3);
  if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) return {};
  return url.substr(colon + 1, at - colon - 1);
}

std::string scrubbed(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + 4)) {
    text.replace(at, secret.size(), "****");
  }
  return text;
}

// Notices ("relation ... already exists, skipping") are for a person at psql; libpq would print
// them on stderr.
void log_notice(void* /*unused*/, const char* message) {
  spdlog::debug("PostgreSQL notice: {}", one_line(message));
}

bool starts_with(const char* sqlstate, std::string_view prefix) {
  return sqlstate != nullptr && std::string_view(sqlstate).starts_with(prefix);
}

}  // namespace

std::string describe_target(std::string_view url) {
  const std::string text(url);
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(text.c_str(), &error);
  if (options == nullptr) {
    const std::string detail =
        error != nullptr ? scrubbed(one_line(error), url_password(url)) : "out of memory";
    PQfreemem(error);
    throw invalid_input(
        "metadata URL '{}' is not a PostgreSQL connection string ({}); write "
        "postgresql://USER:PASSWORD@HOST:PORT/DATABASE",
        scrubbed(text, url_password(url)), detail);
  }
  std::string user;
  std::string host;
  std::string port;
  std::string dbname;
  std::string extra;
  for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr || *option->val == '\0') continue;
    const std::string_view keyword = option->keyword;
    if (keyword == "user") user = option->val;
    if (keyword == "host" || (keyword == "hostaddr" && host.empty())) host = option->val;
    if (keyword == "port") port = option->val;
    if (keyword == "dbname") dbname = option->val;
    // The schema a store works in is part of which database it is.
    if (keyword == "options") extra = fmt::format(" (options '{}')", option->val);
  }
  PQconninfoFree(options);
  return fmt::format("postgresql://{}{}{}{}{}{}", user, user.empty() ? "" : "@", host,
                     port.empty() ? "" : ":", port, dbname.empty() ? "" : "/" + dbname) +
         extra;
}

// --- Params ----------------------------------------------------------------------------------

Params& Params::text(std::string_view value) {
  values_.emplace_back(std::string(value));
  return *this;
}

Params& Params::int64(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}

Params& Params::boolean(bool value) {
  values_.emplace_back(value ? "true" : "false");
  return *this;
}

Params& Params::null() {
  values_.emplace_back(std::nullopt);
  return *this;
}

Params& Params::optional_text(const std::optional<std::string>& value) {
  return value ? text(*value) : null();
}

Params& Params::optional_int64(std::optional<std::int64_t> value) {
  return value ? int64(*value) : null();
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& value : values_) pointers.push_back(value ? value->c_str() : nullptr);
  return pointers;
}

// --- Result ----------------------------------------------------------------------------------

void ResultDeleter::operator()(pg_result* result) const { PQclear(result); }

Result::Result(std::unique_ptr<pg_result, ResultDeleter> result, std::string database)
    : result_(std::move(result)), database_(std::move(database)) {}

int Result::rows() const { return PQntuples(result_.get()); }

std::int64_t Result::affected_rows() const {
  const std::string_view count = PQcmdTuples(result_.get());
  std::int64_t rows = 0;
  std::from_chars(count.data(), count.data() + count.size(), rows);
  return rows;
}

bool Result::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string Result::text(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::optional<std::string> Result::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::int64_t Result::int64(int row, int column) const {
  const std::string value = text(row, column);
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) {
    throw corruption("PostgreSQL database {}: column {} holds '{}' where an integer was expected",
                     database_, PQfname(result_.get(), column), value);
  }
  return number;
}

std::optional<std::int64_t> Result::optional_int64(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return int64(row, column);
}

bool Result::boolean(int row, int column) const {
  return std::string_view(PQgetvalue(result_.get(), row, column)) == "t";
}

// --- Connection ------------------------------------------------------------------------------

Connection::Connection(std::string url, ConnectionOptions options)
    : url_(std::move(url)), target_(describe_target(url_)), options_(options) {
  if (options_.max_attempts < 1) {
    throw invalid_input("PostgreSQL database {}: max_attempts must be at least 1, got {}", target_,
                        options_.max_attempts);
  }
  connect();
}

Connection::~Connection() { PQfinish(conn_); }

void Connection::connect() {
  prepared_.clear();
  const std::string timeout = std::to_string(options_.connect_timeout.count());
  // Later keywords override earlier ones, and `dbname` expands into the URL's own settings: the
  // URL may override the timeout and the application name, but not the encoding we send.
  const char* const keywords[] = {"connect_timeout", "fallback_application_name", "dbname",
                                  "client_encoding", nullptr};
  const char* const values[] = {timeout.c_str(), "gogooku3", url_.c_str(), "UTF8", nullptr};
  pg_conn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) {
    throw transient("cannot connect to PostgreSQL metadata database {}: libpq is out of memory",
                    target_);
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string detail = scrubbed(one_line(PQerrorMessage(conn)), url_password(url_));
    PQfinish(conn);
    // A refused login does not go away by retrying: say so at once instead of backing off.
    if (detail.find("authentication failed") != std::string::npos ||
        detail.find("no pg_hba.conf entry") != std::string::npos) {
      throw make_error(ErrorCategory::kUnauthorized,
                       "PostgreSQL metadata database {} refused the login: {}. Check the user and "
                       "password in metadata.url (GOGOOKU3_DB_URL)",
                       target_, detail);
    }
    throw transient(
        "cannot connect to PostgreSQL metadata database {}: {}. Check that the server is running "
        "and that the URL's host, port, user, password and database are right",
        target_, detail);
  }
  PQsetNoticeProcessor(conn, log_notice, nullptr);
  PQfinish(conn_);
  conn_ = conn;
}

void Connection::reconnect_if_broken() {
  if (PQstatus(conn_) == CONNECTION_OK) return;
  spdlog::warn("PostgreSQL metadata database {}: the connection was lost; reconnecting", target_);
  connect();
}

void Connection::exec(std::string_view sql) {
  const std::string text(sql);
  std::unique_ptr<pg_result, ResultDeleter> result(PQexec(conn_, text.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (result == nullptr || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) {
    throw_error(result.get(), fmt::format("running '{}'", sql_excerpt(sql)));
  }
}

Result Connection::query(std::string_view sql, const Params& params) {
  std::string text(sql);
  auto found = prepared_.find(text);
  if (found == prepared_.end()) {
    std::string name = fmt::format("gogooku3_{}", prepared_.size() + 1);
    std::unique_ptr<pg_result, ResultDeleter> prepared(
        PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
    if (prepared == nullptr || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
      throw_error(prepared.get(), fmt::format("preparing '{}'", sql_excerpt(sql)));
    }
    found = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  const std::vector<const char*> values = params.pointers();
  std::unique_ptr<pg_result, ResultDeleter> result(
      PQexecPrepared(conn_, found->second.c_str(), params.size(), values.data(), nullptr, nullptr,
                     /*resultFormat=*/0));
  const ExecStatusType status = PQresultStatus(result.get());
  if (result == nullptr || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) {
    throw_error(result.get(), fmt::format("running '{}'", sql_excerpt(sql)));
  }
  return {std::move(result), target_};
}

void Connection::rollback_quietly() noexcept {
  // A failed statement leaves the transaction aborted, and a lost connection has none; either
  // way the original failure is what the caller must see.
  if (PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    PQclear(PQexec(conn_, "ROLLBACK"));
  }
}

void Connection::wait_before_retry(int attempt) const {
  // Exponential with jitter, so transactions that collided do not collide again in lockstep.
  const int ceiling_ms = std::min(200, 5 << std::min(attempt, 6));
  std::uniform_int_distribution<int> spread(ceiling_ms / 2, ceiling_ms);
  std::random_device random;
  std::this_thread::sleep_for(std::chrono::milliseconds(spread(random)));
}

void Connection::throw_still_conflicting(int attempts, std::string_view reason) const {
  throw transient(
      "PostgreSQL database {}: a transaction kept conflicting with others for {} attempts "
      "(last: {}); retry later",
      target_, attempts, reason);
}

void Connection::throw_error(const pg_result* result, std::string_view during) const {
  if (result == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    throw transient(
        "PostgreSQL database {}: the connection failed ({}) while {}; check that the server is "
        "running, the next use reconnects",
        target_, one_line(PQerrorMessage(conn_)), during);
  }
  const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
  std::string message = primary != nullptr ? primary : one_line(PQresultErrorMessage(result));
  if (detail != nullptr) message += fmt::format(" ({})", one_line(detail));
  const std::string code = sqlstate != nullptr ? sqlstate : "none";

  if (code == "40001" || code == "40P01") {
    std::string reason = fmt::format("{} while {}", message, during);
    throw TransactionConflict(fmt::format("PostgreSQL database {}: {}", target_, reason),
                              std::move(reason));
  }
  // Class 08 connection, 53 insufficient resources, 57P0x shutdown/restart, 55P03 lock not
  // available, 57014 canceled (a statement timeout).
  if (starts_with(sqlstate, "08") || starts_with(sqlstate, "53") || starts_with(sqlstate, "57P0") ||
      code == "55P03" || code == "57014") {
    throw transient("PostgreSQL database {}: {} (SQLSTATE {}) while {}; retry later", target_,
                    message, code, during);
  }
  // Class 23 integrity constraints, 22 data exceptions: what SQLite calls a constraint failure.
  if (starts_with(sqlstate, "23") || starts_with(sqlstate, "22")) {
    throw invalid_input("PostgreSQL database {}: {} while {}", target_, message, during);
  }
  if (code == "3F000" || code == "3D000") {
    throw invalid_input(
        "PostgreSQL database {}: {} while {}: create it, or fix the URL (its database name, or "
        "the search_path in its options)",
        target_, message, during);
  }
  if (code == "25006") {
    throw invalid_input(
        "PostgreSQL database {}: {} while {}: the server is read-only; point the URL at the "
        "primary",
        target_, message, during);
  }
  if (starts_with(sqlstate, "28") || code == "42501") {
    throw make_error(ErrorCategory::kUnauthorized,
                     "PostgreSQL database {}: {} while {}: grant the URL's user the privilege, or "
                     "use a user that has it",
                     target_, message, during);
  }
  if (code == "XX001" || code == "XX002") {
    throw corruption(
        "PostgreSQL database {} is damaged ({}) while {}: restore it from a backup (see the "
        "server's log)",
        target_, message, during);
  }
  throw internal_error("PostgreSQL database {}: {} (SQLSTATE {}) while {}", target_, message, code,
                       during);
}

}  // namespace gogooku3::storage::postgres

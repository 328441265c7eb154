// ClickHouseClient: SQL and bulk loads over ClickHouse's HTTP interface — the one place where
// gogooku3 talks to the warehouse.
//
// Statements go as the POST body (`POST /?database=DB`), so their length is not limited by a
// URL; the answer is the body, in the FORMAT the statement names. A bulk INSERT names its
// statement in the `query` parameter and streams its data as the body, chunked, as a series
// of gzip members (`Content-Encoding: gzip`): one member per block, compressed in parallel while
// earlier blocks are on the wire. gzip is the request encoding every ClickHouse since 18.x
// accepts over HTTP (zstd and brotli came later). It is slow (20-50 MB/s a core at level 1)
// and float features are mostly noise to it (a few percent smaller), so each block is first
// sampled: a block whose 64 KiB sample does not shrink by a tenth goes as a *stored* gzip
// member (CRC only, no deflate), one that does is deflated at compression_level. Keys, dates,
// NaN runs and flag columns compress; random-looking floats are not worth the CPU that both
// ends would spend on them.
//
// Credentials go as HTTP basic auth, never in the URL, and no message repeats the password.
//
// Failures: a connection error or timeout, and server errors that say "try again" (ClickHouse
// codes for timeouts, network errors, memory limits, too many parts or queries) are retried
// with backoff (max_retries times) by execute(), then thrown as Transient. insert() does not
// retry: its body is produced as it is sent. A retried INSERT is harmless for the warehouse's
// versioned tables (see warehouse.h), so the caller — an orchestrated step — retries it whole.
// Rejected credentials are Unauthorized (naming the user and the setting to fix), unknown
// tables and databases NotFound, and anything else InvalidInput carrying ClickHouse's message.
//
// Thread-safe: every call uses its own connection (libcurl easy handle).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace gogooku3 {
class Config;
}

namespace gogooku3::storage::warehouse {

struct ClickHouseOptions {
  std::string url;  // the HTTP interface, e.g. http://127.0.0.1:8123
  std::string user = "default";
  std::string password;
  std::string database = "default";
  int max_retries = 3;  // execute() attempts after the first for transient failures
  std::chrono::milliseconds retry_base_delay{200};
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{600000};
  int compression_level = 1;  // gzip level of INSERT bodies, 1..9; 0 sends them uncompressed
  int threads = 0;            // threads encoding and compressing INSERT blocks; 0: every core
};

// warehouse.clickhouse.{url,user,password,database}; InvalidInput when the url is empty.
ClickHouseOptions clickhouse_options_from_config(const Config& config);

struct InsertStats {
  std::uint64_t blocks = 0;
  std::uint64_t stored_blocks = 0;  // sent as stored gzip members: deflate would not pay
  std::uint64_t raw_bytes = 0;      // the Native bytes the blocks encoded to
  std::uint64_t sent_bytes = 0;     // after compression
};

class ClickHouseClient {
 public:
  explicit ClickHouseClient(ClickHouseOptions options);

  const ClickHouseOptions& options() const { return options_; }
  // "clickhouse http://host:port (database DB, user U)" for messages.
  std::string describe() const;

  // Runs one statement and returns ClickHouse's answer.
  std::string execute(std::string_view sql) const;

  // Writes one block of the INSERT's data (Native, RowBinary, ... as `insert_sql` says) into
  // `out` (empty on entry). Called from several threads at once for different blocks.
  using EncodeBlock = std::function<void(std::size_t block, std::string& out)>;
  // Runs `insert_sql` ("INSERT INTO t FORMAT Native") with blocks 0..block_count-1 as its data,
  // in order. Exceptions thrown by `encode` stop the load and propagate.
  InsertStats insert(std::string_view insert_sql, std::size_t block_count,
                     const EncodeBlock& encode) const;

 private:
  ClickHouseOptions options_;
};

// A string literal for ClickHouse SQL: 'it''s' style quoting with backslashes escaped.
std::string sql_quote(std::string_view text);

}  // namespace gogooku3::storage::warehouse

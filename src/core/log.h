// Logging: spdlog with two sinks — a human console sink on stderr and a JSON-lines file sink.
//
// Code logs with spdlog's free functions (spdlog::info("fetched {} rows", n)); init() installs
// the default logger once at start-up. Every line carries the current thread's LogContext
// (run id, asset, partition) when one is set: a LogScope sets it for the duration of a step
// and restores the previous one, so nested steps and thread pools need no plumbing.
//
// stdout is left to command output (a calendar listing, a table) so that it can be piped;
// logs never go there. Secrets registered with register_secret() are replaced by "****" in
// every sink before a byte is written, whatever the caller formatted.
//
// init() and register_secret() are meant for start-up; logging itself is thread-safe.
#pragma once

#include <filesystem>
#include <string>

namespace gogooku3::log {

struct LogOptions {
  std::string level = "info";       // trace, debug, info, warn, error, off
  std::filesystem::path json_file;  // empty: no file sink
  bool console = true;
};

// Throws InvalidInput for an unknown level or a log file that cannot be opened.
void init(const LogOptions& options);

// Values that must never appear in a log line (API keys, passwords). Ignores short strings.
void register_secret(const std::string& secret);

struct LogContext {
  std::string run_id;
  std::string asset;
  std::string partition;
};

const LogContext& current_context();

class LogScope {
 public:
  explicit LogScope(LogContext context);
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;

 private:
  LogContext previous_;
};

// One JSON object for one log record; exposed for tests of the file format.
std::string format_json_line(std::string_view timestamp_utc, std::string_view level,
                             std::string_view message, const LogContext& context);

}  // namespace gogooku3::log

#include "core/log.h"

#include <fmt/chrono.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.h"

namespace gogooku3::log {
namespace {

thread_local LogContext tls_context;

std::mutex secrets_mutex;
std::vector<std::string> secrets;  // guarded by secrets_mutex

std::string redact(std::string_view message) {
  std::string text(message);
  std::lock_guard lock(secrets_mutex);
  for (const std::string& secret : secrets) {
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 4)) {
      text.replace(at, secret.size(), "****");
    }
  }
  return text;
}

std::string utc_timestamp(spdlog::log_clock::time_point time) {
  const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(time);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", ms);
}

// Console: "18:10:03.123 info  [run=r1 asset=prices partition=2026-09-24] message".
class ConsoleFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto local = std::chrono::time_point_cast<std::chrono::milliseconds>(msg.time);
    fmt::format_to(std::back_inserter(dest), "{:%H:%M:%S} ", local);
    const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
    msg.color_range_start = dest.size();
    dest.append(level.data(), level.data() + level.size());
    msg.color_range_end = dest.size();
    for (size_t pad = level.size(); pad < 5; ++pad) dest.push_back(' ');
    const LogContext& context = current_context();
    if (!context.run_id.empty() || !context.asset.empty()) {
      fmt::format_to(std::back_inserter(dest), " [");
      bool first = true;
      auto field = [&](std::string_view name, const std::string& value) {
        if (value.empty()) return;
        fmt::format_to(std::back_inserter(dest), "{}{}={}", first ? "" : " ", name, value);
        first = false;
      };
      field("run", context.run_id);
      field("asset", context.asset);
      field("partition", context.partition);
      dest.push_back(']');
    }
    dest.push_back(' ');
    const std::string text = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<ConsoleFormatter>();
  }
};

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
    const std::string line = format_json_line(
        utc_timestamp(msg.time), std::string_view(level.data(), level.size()),
        redact(std::string_view(msg.payload.data(), msg.payload.size())), current_context());
    dest.append(line.data(), line.data() + line.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

std::string format_json_line(std::string_view timestamp_utc, std::string_view level,
                             std::string_view message, const LogContext& context) {
  nlohmann::ordered_json line;
  line["ts"] = timestamp_utc;
  line["level"] = level;
  line["msg"] = message;
  if (!context.run_id.empty()) line["run_id"] = context.run_id;
  if (!context.asset.empty()) line["asset"] = context.asset;
  if (!context.partition.empty()) line["partition"] = context.partition;
  // Replace invalid UTF-8 instead of throwing: a log line must never take the process down.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void init(const LogOptions& options) {
  const spdlog::level::level_enum level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off") {
    throw invalid_input("log level '{}' is unknown; use trace, debug, info, warn, error or off",
                        options.level);
  }
  std::vector<spdlog::sink_ptr> sinks;
  if (options.console) {
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_formatter(std::make_unique<ConsoleFormatter>());
    sinks.push_back(console);
  }
  if (!options.json_file.empty()) {
    try {
      auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.json_file.string());
      file->set_formatter(std::make_unique<JsonFormatter>());
      sinks.push_back(file);
    } catch (const spdlog::spdlog_ex& e) {
      throw invalid_input("log file {} cannot be opened ({}); set log.file to a writable path",
                          options.json_file.string(), e.what());
    }
  }
  auto logger = std::make_shared<spdlog::logger>("gogooku3", sinks.begin(), sinks.end());
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void register_secret(const std::string& secret) {
  if (secret.size() < 4) return;
  std::lock_guard lock(secrets_mutex);
  secrets.push_back(secret);
}

const LogContext& current_context() { return tls_context; }

LogScope::LogScope(LogContext context) : previous_(std::move(tls_context)) {
  tls_context = std::move(context);
}

LogScope::~LogScope() { tls_context = std::move(previous_); }

}  // namespace gogooku3::log

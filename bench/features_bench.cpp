// Features benchmark: the active features (config/features.yaml, 127) over the sample market's
// history, end to end from clean prices in memory to the feature table, against a pandas
// implementation of the same features (bench/peers/features_pandas.py) measured in the same
// run. Steps, each timed and printed:
//
//   peer          the inputs (prices with sector33_code and market_code, TOPIX, investor
//                 types) exported as CSV and the pandas script run on them first, while this
//                 process is small; it times its own computation, not the CSV read
//   full          compute_features over every day of the history (target: 4,000 stocks x
//                 2,500 days under 10 s on the 2-core development machine)
//   incremental   compute_features for the last day from its trailing window only
//                 (manifest.window_business_days()), median of 5 (target: under 0.5 s), and
//                 checked against the full run's last day (1e-5 relative)
//   ratio         peer / ours, with all cores and with one engine thread, and the peer's values
//                 against ours on every row of a sample of codes, by family
//
//   features_bench [--stocks 4000] [--days 2500] [--end 2025-12-30] [--threads 0]
//                  [--peer-stocks 0] [--no-peer] [--python PATH] [--sample-codes 40] [--keep]
//                  [--profile CODES] [--features all|MANIFEST.yaml]
// --threads 0 uses every core (the engine's default; pandas is single-threaded, so the run
// also says what one engine thread takes when --threads is not 1). --peer-stocks N runs the
// peer on the first N codes only, and ours on the same N again, when pandas would take too
// long on all of them. --sample-codes is how many codes' rows the value comparison reads.
// --keep leaves the CSVs (and ours_sample.csv, our values for the compared rows) in place;
// --profile N times the features of each stage, and each feature alone, over the first N codes.
// --features picks another feature set: a manifest file, or "all" (the whole catalog, which
// checks every one of the peer's definitions, not only the active ones).
// GOGOOKU3_BENCH_DIR picks the scratch directory (default: the system temp directory);
// GOGOOKU3_PANDAS_PEER the peer script (default: peers/ beside this source file);
// GOGOOKU3_PYTHON the interpreter (default: Debian's /usr/bin/python3, which has
// python3-pandas, else python3 on the PATH).
#include <fmt/format.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/allocator.h"
#include "core/table.h"
#include "core/trading_calendar.h"
#include "features/catalog/catalog.h"
#include "features/engine.h"
#include "features/feature_inputs.h"
#include "features/manifest.h"
#include "market/ingest/sample_history.h"

namespace {

using namespace gogooku3;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string flag(int argc, char** argv, std::string_view name, std::string fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return fallback;
}

bool has_flag(int argc, char** argv, std::string_view name) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i] == name) return true;
  }
  return false;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

double peak_rss_gib(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char ch : text) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

// ---------------------------------------------------------------------------------------------
// Slicing the inputs

// The rows whose `date_column` lies in [from, to], keeping the order (and the code index when
// the table is sorted by code and date).
Table rows_between(const Table& table, std::string_view date_column, Date from, Date to) {
  if (table.num_rows() == 0) return table;
  const auto& dates = table.column(date_column).as<Date>();
  std::vector<size_t> rows;
  for (size_t row = 0; row < dates.size(); ++row) {
    if (dates[row] >= from && dates[row] <= to) rows.push_back(row);
  }
  Table out = table.take(rows);
  return table.is_sorted_by_code_date() ? std::move(out).sort_by_code_date() : out;
}

// The rows of the first `codes` codes of a (code, date)-sorted table.
Table first_codes(const Table& table, size_t codes) {
  const std::vector<CodeRange>& ranges = table.code_ranges();
  if (codes >= ranges.size()) return table;
  return table.slice(0, ranges[codes].rows.begin);
}

// ---------------------------------------------------------------------------------------------
// CSV export for the peer

class CsvWriter {
 public:
  explicit CsvWriter(const fs::path& path) : file_(std::fopen(path.c_str(), "wb")) {
    if (file_ == nullptr) throw std::runtime_error("cannot write " + path.string());
    buffer_.reserve(1 << 20);
  }
  ~CsvWriter() {
    flush();
    std::fclose(file_);
  }
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  void text(std::string_view value) { buffer_.append(value); }
  void number(double value) {
    if (std::isnan(value)) {
      buffer_.append("nan");
      return;
    }
    char digits[32];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    buffer_.append(digits, end);
  }
  void integer(int64_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    buffer_.append(digits, end);
  }
  void end_field(bool last) {
    buffer_.push_back(last ? '\n' : ',');
    if (buffer_.size() > (1 << 20) - 256) flush();
  }

 private:
  void flush() {
    std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
    buffer_.clear();
  }
  std::FILE* file_;
  std::string buffer_;
};

void write_csv(const fs::path& path, const Table& table, const std::vector<std::string>& names) {
  CsvWriter out(path);
  for (size_t i = 0; i < names.size(); ++i) {
    out.text(names[i]);
    out.end_field(i + 1 == names.size());
  }
  std::vector<const Column*> columns;
  for (const std::string& name : names) columns.push_back(&table.column(name));
  for (size_t row = 0; row < table.num_rows(); ++row) {
    for (size_t i = 0; i < columns.size(); ++i) {
      const Column& column = *columns[i];
      switch (column.type()) {
        case ColumnType::kDouble:
          out.number(column.as<double>()[row]);
          break;
        case ColumnType::kFloat:
          out.number(column.as<float>()[row]);
          break;
        case ColumnType::kInt32:
          if (column.is_valid(row)) out.integer(column.as<int32_t>()[row]);
          break;
        case ColumnType::kInt64:
          if (column.is_valid(row)) out.integer(column.as<int64_t>()[row]);
          break;
        case ColumnType::kString:
          if (column.is_valid(row)) out.text(column.as<std::string>()[row]);
          break;
        case ColumnType::kDate:
          if (column.is_valid(row)) out.text(column.as<Date>()[row].to_string());
          break;
      }
      out.end_field(i + 1 == columns.size());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Comparing values

// Two stored feature values agree when both are NaN or they differ by at most `relative` of
// the larger magnitude (or by at most `absolute`, for values that are zero up to rounding).
bool agree(double a, double b, double relative, double absolute) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  const double difference = std::abs(a - b);
  return difference <= relative * std::max(std::abs(a), std::abs(b)) || difference <= absolute;
}

struct Disagreement {
  std::string code;
  Date date;
  double ours = 0;
  double other = 0;
};

struct FeatureScore {
  size_t compared = 0;
  size_t agreed = 0;
  size_t agreed_strict = 0;  // without the absolute floor
  std::optional<Disagreement> first;
};

// Sorted (code, date) rows of `table` for lookup.
class RowIndex {
 public:
  explicit RowIndex(const Table& table)
      : table_(table), dates_(table.column(kDateColumn).as<Date>()) {}
  std::optional<size_t> find(std::string_view code, Date date) const {
    const RowRange rows = table_.rows_of(code);
    const auto first = dates_.begin() + static_cast<std::ptrdiff_t>(rows.begin);
    const auto last = dates_.begin() + static_cast<std::ptrdiff_t>(rows.end);
    const auto it = std::lower_bound(first, last, date);
    if (it == last || *it != date) return std::nullopt;
    return static_cast<size_t>(it - dates_.begin());
  }

 private:
  const Table& table_;
  const std::vector<Date>& dates_;
};

// The incremental run's last day against the full run's, feature by feature: every value
// within 1e-5 relative, or within 1e-6 of the feature's largest magnitude that day (values
// near zero: a mean of +-1 terms that cancels, a 0..100 oscillator's 1e-8 memory error, the
// float32 rounding of a sector-relative value's base).
bool check_incremental(const Table& full, const Table& incremental,
                       const std::vector<std::string>& names) {
  const RowIndex index(full);
  const auto& codes = incremental.column(kCodeColumn).as<std::string>();
  const auto& dates = incremental.column(kDateColumn).as<Date>();
  std::map<std::string, double> scale;  // the largest magnitude of each feature that day
  for (const std::string& name : names) {
    double largest = 0;
    for (const float x : incremental.column(name).as<float>()) {
      if (std::isfinite(x)) largest = std::max(largest, std::abs(static_cast<double>(x)));
    }
    scale[name] = largest;
  }
  size_t values = 0, strict_mismatches = 0, mismatches = 0, missing_rows = 0;
  std::map<std::string, size_t> by_feature;
  std::map<std::string, std::string> example;  // the first mismatch of each feature
  for (size_t row = 0; row < incremental.num_rows(); ++row) {
    const std::optional<size_t> other = index.find(codes[row], dates[row]);
    if (!other) {
      ++missing_rows;
      continue;
    }
    for (const std::string& name : names) {
      const float a = incremental.column(name).as<float>()[row];
      const float b = full.column(name).as<float>()[*other];
      ++values;
      if (agree(a, b, 1e-5, 0.0)) continue;
      ++strict_mismatches;
      ++by_feature[name];
      const bool ok = agree(a, b, 1e-5, 1e-6 * scale[name]);
      mismatches += !ok;
      if (!example.contains(name) || (!ok && example[name].ends_with(")"))) {
        example[name] = fmt::format("{} {}: incremental {:.9g}, full {:.9g}{}", codes[row],
                                    dates[row].to_string(), a, b,
                                    ok ? " (within 1e-6 of the day's largest)" : "");
      }
    }
  }
  std::printf(
      "check: incremental == full on the last day: %zu rows x %zu features; %zu values differ "
      "by more than 1e-5 relative, %zu of them by more than 1e-6 of the feature's largest "
      "magnitude that day; %zu rows missing from the full run: %s\n",
      incremental.num_rows(), names.size(), strict_mismatches, mismatches, missing_rows,
      mismatches == 0 && missing_rows == 0 ? "ok" : "FAILED");
  for (const auto& [name, count] : by_feature) {
    std::printf("  %-26s %5zu values, first: %s\n", name.c_str(), count, example[name].c_str());
  }
  return mismatches == 0 && missing_rows == 0;
}

// Splits one CSV line (no quoting: codes, dates and numbers only).
void split_csv(const std::string& line, std::vector<std::string_view>& fields) {
  fields.clear();
  size_t begin = 0;
  while (true) {
    const size_t comma = line.find(',', begin);
    fields.emplace_back(line.data() + begin,
                        (comma == std::string::npos ? line.size() : comma) - begin);
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
}

double parse_number(std::string_view text) {
  if (text.empty() || text == "nan" || text == "NaN") return std::nan("");
  return std::strtod(std::string(text).c_str(), nullptr);
}

// Reads the peer's sample (code, date, one column per feature) and scores it against `ours`.
void compare_with_peer(const fs::path& sample, const Table& ours,
                       const std::vector<std::string>& names) {
  std::ifstream in(sample);
  std::string line;
  std::vector<std::string_view> fields;
  if (!std::getline(in, line)) {
    std::printf("peer comparison: %s is empty\n", sample.string().c_str());
    return;
  }
  split_csv(line, fields);
  std::vector<std::string> header(fields.begin(), fields.end());
  std::vector<int> slot(header.size(), -1);  // peer column -> feature index
  for (size_t i = 2; i < header.size(); ++i) {
    const auto it = std::find(names.begin(), names.end(), header[i]);
    if (it != names.end()) slot[i] = static_cast<int>(it - names.begin());
  }
  std::vector<const std::vector<float>*> columns;
  for (const std::string& name : names) columns.push_back(&ours.column(name).as<float>());
  std::vector<FeatureScore> scores(names.size());
  const RowIndex index(ours);
  size_t rows = 0, unmatched = 0;
  while (std::getline(in, line)) {
    split_csv(line, fields);
    if (fields.size() != header.size()) continue;
    const std::optional<size_t> row = index.find(fields[0], Date::parse(fields[1]));
    if (!row) {
      ++unmatched;
      continue;
    }
    ++rows;
    for (size_t i = 2; i < fields.size(); ++i) {
      if (slot[i] < 0) continue;
      FeatureScore& score = scores[static_cast<size_t>(slot[i])];
      const double a = (*columns[static_cast<size_t>(slot[i])])[*row];
      const double b = static_cast<float>(parse_number(fields[i]));
      ++score.compared;
      // 1e-4 relative; the absolute floor (1e-7) only forgives values that are zero up to
      // float32 rounding of their inputs.
      const bool strict = agree(a, b, 1e-4, 0.0);
      const bool ok = strict || agree(a, b, 1e-4, 1e-7);
      score.agreed_strict += strict;
      score.agreed += ok;
      if (!ok && !score.first)
        score.first = Disagreement{std::string(fields[0]), Date::parse(fields[1]), a, b};
    }
  }
  // By family, in catalog order.
  const features::Catalog& catalog = features::catalog();
  std::vector<std::string> families;
  std::map<std::string, std::vector<size_t>> members;
  for (size_t f = 0; f < names.size(); ++f) {
    const std::string& family = catalog.get(names[f]).family;
    if (!members.contains(family)) families.push_back(family);
    members[family].push_back(f);
  }
  std::printf(
      "values against the peer: %zu sampled rows (every row of a sample of codes), %zu "
      "rows without a match; agreement = both NaN or within 1e-4 relative (strict), or "
      "within 1e-7 absolute\n",
      rows, unmatched);
  std::printf("  %-16s %8s %12s %10s %10s\n", "family", "features", "values", "agree", "strict");
  const auto percent = [](size_t part, size_t whole) {
    return 100.0 * static_cast<double>(part) / static_cast<double>(std::max<size_t>(1, whole));
  };
  size_t all_compared = 0, all_agreed = 0, all_strict = 0;
  for (const std::string& family : families) {
    size_t compared = 0, agreed = 0, strict = 0;
    for (const size_t f : members[family]) {
      compared += scores[f].compared;
      agreed += scores[f].agreed;
      strict += scores[f].agreed_strict;
    }
    all_compared += compared;
    all_agreed += agreed;
    all_strict += strict;
    std::printf("  %-16s %8zu %12zu %9.3f%% %9.3f%%\n", family.c_str(), members[family].size(),
                compared, percent(agreed, compared), percent(strict, compared));
  }
  std::printf("  %-16s %8zu %12zu %9.3f%% %9.3f%%\n", "all", names.size(), all_compared,
              percent(all_agreed, all_compared), percent(all_strict, all_compared));
  for (size_t f = 0; f < names.size(); ++f) {
    const FeatureScore& score = scores[f];
    if (score.compared == 0) {
      std::printf("  %s: not in the peer's output\n", names[f].c_str());
      continue;
    }
    if (score.agreed * 1000 >= score.compared * 999) continue;  // under 99.9% only
    std::printf("  %-26s %7.3f%% agree; first: %s %s ours %.9g, peer %.9g\n", names[f].c_str(),
                percent(score.agreed, score.compared), score.first->code.c_str(),
                score.first->date.to_string().c_str(), score.first->ours, score.first->other);
  }
}

// ---------------------------------------------------------------------------------------------
// The peer

struct PeerResult {
  double seconds = 0;
  long long rows = 0;
  int features = 0;
  std::string versions;
};

std::optional<PeerResult> run_pandas_peer(const std::string& python, const fs::path& dir,
                                          const std::vector<std::string>& names,
                                          size_t sample_stride) {
  const char* override_script = std::getenv("GOGOOKU3_PANDAS_PEER");
  const fs::path script = override_script
                              ? fs::path(override_script)
                              : fs::path(__FILE__).parent_path() / "peers" / "features_pandas.py";
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ",") + name;
  const std::string command = shell_quote(python) + " " + shell_quote(script.string()) +
                              " --prices " + shell_quote((dir / "prices.csv").string()) +
                              " --topix " + shell_quote((dir / "topix.csv").string()) +
                              " --flows " + shell_quote((dir / "flows.csv").string()) + " --out " +
                              shell_quote((dir / "peer_sample.csv").string()) +
                              " --sample-stride " + std::to_string(sample_stride) + " --features " +
                              shell_quote(joined);
  std::fflush(stdout);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::optional<PeerResult> result;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) {
    const std::string_view line(buffer);
    const size_t at = line.find("\"seconds\":");
    if (line.starts_with("{") && at != std::string_view::npos) {
      PeerResult r;
      r.seconds = std::strtod(buffer + at + 10, nullptr);
      if (const size_t rows = line.find("\"rows\":"); rows != std::string_view::npos) {
        r.rows = std::strtoll(buffer + rows + 7, nullptr, 10);
      }
      if (const size_t count = line.find("\"features\":"); count != std::string_view::npos) {
        r.features = static_cast<int>(std::strtol(buffer + count + 11, nullptr, 10));
      }
      if (const size_t pandas = line.find("\"pandas\":"); pandas != std::string_view::npos) {
        r.versions = std::string(line.substr(pandas, line.find('}', pandas) - pandas));
      }
      result = r;
    } else {
      std::fputs(buffer, stdout);  // the peer's own output
    }
  }
  const int status = pclose(pipe);
  if (status != 0 || !result) {
    std::printf("pandas peer failed (exit status %d): %.400s%s\n", status, command.c_str(),
                command.size() > 400 ? "..." : "");
    return std::nullopt;
  }
  return result;
}

void print_ratio(const char* what, double ours, const char* peer_name, double peer) {
  std::printf("%-46s gogooku3 %8.3f s   %s %8.3f s   speed-up x%.1f\n", what, ours, peer_name, peer,
              peer / ours);
}

}  // namespace

int main(int argc, char** argv) {
  tune_allocator_for_batch_work();  // as the gogooku3 binary does
  const int stocks = std::stoi(flag(argc, argv, "--stocks", "4000"));
  const int day_count = std::stoi(flag(argc, argv, "--days", "2500"));
  const Date end = Date::parse(flag(argc, argv, "--end", "2025-12-30"));
  const int threads = std::stoi(flag(argc, argv, "--threads", "0"));
  const size_t peer_stocks = std::stoul(flag(argc, argv, "--peer-stocks", "0"));
  const bool run_peer = !has_flag(argc, argv, "--no-peer");
  const bool keep = has_flag(argc, argv, "--keep");
  const size_t sample_codes =
      std::max<size_t>(1, std::stoul(flag(argc, argv, "--sample-codes", "40")));
  const char* python_env = std::getenv("GOGOOKU3_PYTHON");
  const std::string python = flag(
      argc, argv, "--python",
      python_env ? python_env : (fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"));

  const TradingCalendar calendar;
  const Date last = calendar.is_business_day(end) ? end : calendar.previous_business_day(end);
  const Date first = calendar.add_business_days(last, -(day_count - 1));
  // The feature set: the built-in manifest (config/features.yaml), a manifest file, or "all"
  // (every catalog feature: what the peer's definitions are checked against).
  const std::string feature_set = flag(argc, argv, "--features", "");
  const features::FeatureManifest manifest = [&] {
    if (feature_set.empty()) return features::FeatureManifest::built_in();
    if (feature_set != "all") return features::FeatureManifest::load(feature_set);
    std::vector<std::string> all;
    for (const features::FeatureDef& def : features::catalog().all()) all.push_back(def.name);
    return features::FeatureManifest::from_names(all, "--features all");
  }();
  const std::vector<std::string> names = manifest.names();
  const features::EngineOptions engine_options{.max_threads = threads};

  // Sample history (not measured).
  auto start = Clock::now();
  market::MarketHistory history = market::sample_history(
      {.seed = 42, .stocks = stocks, .start_date = first}, calendar, first, last);
  std::printf(
      "sample history: %d stocks, %d business days %s..%s: %zu price rows, %zu codes, "
      "%zu topix rows, %zu investor-type rows, simulated in %.1f s (not measured)\n",
      stocks, day_count, first.to_string().c_str(), last.to_string().c_str(),
      history.prices.num_rows(), history.prices.code_ranges().size(), history.topix.num_rows(),
      history.investor_types.num_rows(), seconds_since(start));

  start = Clock::now();
  const Table prices = features::join_master(std::move(history.prices), history.master);
  const double join_seconds = seconds_since(start);
  history.master = Table();
  std::printf("join master (sector33_code, market_code): %.3f s\n", join_seconds);

  // The peer's inputs: all codes, or the first --peer-stocks of them, exported as CSV and run
  // first, while this process holds little more than the prices (the full table would
  // otherwise share the machine's memory with pandas').
  const size_t all_codes = prices.code_ranges().size();
  const bool subset = run_peer && peer_stocks > 0 && peer_stocks < all_codes;
  const Table peer_prices = subset ? first_codes(prices, peer_stocks) : Table();
  const Table& compared_prices = subset ? peer_prices : prices;
  const size_t stride = std::max<size_t>(1, compared_prices.code_ranges().size() / sample_codes);
  const char* dir_override = std::getenv("GOGOOKU3_BENCH_DIR");
  const fs::path dir = (dir_override ? fs::path(dir_override) : fs::temp_directory_path()) /
                       ("g3_features_bench_" + std::to_string(getpid()));
  std::optional<PeerResult> peer;
  if (run_peer) {
    fs::create_directories(dir);
    start = Clock::now();
    write_csv(dir / "prices.csv", compared_prices,
              {"code", "date", "adj_open", "adj_high", "adj_low", "adj_close", "adj_volume",
               "turnover_value", "upper_limit", "lower_limit", "sector33_code", "market_code"});
    write_csv(dir / "topix.csv", history.topix, {"date", "open", "high", "low", "close"});
    write_csv(dir / "flows.csv", history.investor_types,
              {"published_date", "end_date", "section", "foreigners_balance", "individuals_balance",
               "total_total"});
    std::printf(
        "exported the peer's inputs (%zu price rows) as CSV to %s in %.1f s (not "
        "measured)\n",
        compared_prices.num_rows(), dir.string().c_str(), seconds_since(start));
    malloc_trim(0);  // give the simulation's freed heap back before pandas needs it
    start = Clock::now();
    peer = run_pandas_peer(python, dir, names, stride);
    if (peer) {
      std::printf(
          "pandas peer (%s, %s): %lld rows x %d features computed in %.3f s (%.1f s "
          "with reading the CSV and writing its sample)\n",
          python.c_str(), peer->versions.c_str(), peer->rows, peer->features, peer->seconds,
          seconds_since(start));
    }
  }

  // Full history.
  const features::EngineInputs inputs{prices, history.topix, history.investor_types};
  start = Clock::now();
  Table full = features::compute_features(inputs, manifest.features(), first, last, engine_options);
  const double full_seconds = seconds_since(start);
  std::printf("full: %zu rows x %zu features in %.3f s (%s threads; target < 10 s: %s)\n",
              full.num_rows(), names.size(), full_seconds,
              threads == 0 ? "all" : std::to_string(threads).c_str(),
              full_seconds < 10 ? "met" : "missed");

  // Where the time goes: the features of each stage alone (a cross-section feature computes
  // its base too), over the first --profile codes.
  if (const size_t profile_codes = std::stoul(flag(argc, argv, "--profile", "0"));
      profile_codes > 0) {
    const Table some = first_codes(prices, profile_codes);
    const features::EngineInputs some_inputs{some, history.topix, history.investor_types};
    const auto time_of = [&](const std::vector<const features::FeatureDef*>& defs) {
      const auto began = Clock::now();
      features::compute_features(some_inputs, defs, first, last, engine_options);
      return seconds_since(began);
    };
    std::printf("profile over the first %zu codes (%zu rows):\n", profile_codes, some.num_rows());
    for (const features::FeatureStage stage :
         {features::FeatureStage::kStock, features::FeatureStage::kMarket,
          features::FeatureStage::kFlow, features::FeatureStage::kCrossSection}) {
      std::vector<const features::FeatureDef*> defs;
      for (const features::FeatureDef* def : manifest.features()) {
        if (def->stage == stage) defs.push_back(def);
      }
      std::printf("  %-14s %3zu features %8.3f s\n",
                  std::string(features::stage_name(stage)).c_str(), defs.size(), time_of(defs));
    }
    std::printf("  %-14s %3zu features %8.3f s\n", "all", names.size(),
                time_of(manifest.features()));
    std::vector<std::pair<double, std::string>> costs;
    for (const features::FeatureDef* def : manifest.features()) {
      costs.emplace_back(time_of({def}), def->name);
    }
    std::sort(costs.rbegin(), costs.rend());
    std::printf("  slowest alone:");
    for (size_t i = 0; i < std::min<size_t>(12, costs.size()); ++i) {
      std::printf(" %s %.3f s%s", costs[i].second.c_str(), costs[i].first, i < 11 ? "," : "\n");
    }
  }

  // Incremental: the last day from its trailing window.
  const int window = manifest.window_business_days();
  const Date window_start = calendar.add_business_days(last, -window);
  start = Clock::now();
  const Table window_prices = rows_between(prices, kDateColumn, window_start, last);
  const Table window_topix = rows_between(history.topix, kDateColumn, window_start, last);
  const Table window_flows =
      rows_between(history.investor_types, "published_date", window_start, last);
  const double slice_seconds = seconds_since(start);
  const features::EngineInputs window_inputs{window_prices, window_topix, window_flows};
  std::vector<double> runs;
  Table incremental;
  for (int i = 0; i < 5; ++i) {
    start = Clock::now();
    incremental =
        features::compute_features(window_inputs, manifest.features(), last, last, engine_options);
    runs.push_back(seconds_since(start));
  }
  const double incremental_seconds = median(runs);
  std::printf(
      "incremental: %s for %zu stocks from a %d-business-day window (%zu price rows, "
      "sliced in %.3f s, not measured): median of 5 %.4f s (min %.4f, max %.4f; "
      "target < 0.5 s: %s)\n",
      last.to_string().c_str(), incremental.num_rows(), window, window_prices.num_rows(),
      slice_seconds, incremental_seconds, *std::min_element(runs.begin(), runs.end()),
      *std::max_element(runs.begin(), runs.end()), incremental_seconds < 0.5 ? "met" : "missed");
  const bool incremental_ok = check_incremental(full, incremental, names);

  // Our values on every row of a sample of codes (the peer writes the same codes), for the
  // comparison; the full table itself is dropped before the next run.
  const auto sample_of = [&](const Table& table, const Table& of_prices, size_t stride) {
    std::vector<size_t> rows;
    const std::vector<CodeRange>& ranges = of_prices.code_ranges();
    for (size_t c = 0; c < ranges.size(); c += stride) {
      const RowRange r = table.rows_of(ranges[c].code);
      for (size_t row = r.begin; row < r.end; ++row) rows.push_back(row);
    }
    return table.take(rows).sort_by_code_date();
  };
  Table ours_sample = subset ? Table() : sample_of(full, prices, stride);
  full = Table();

  // One engine thread, for a like-for-like comparison with single-threaded pandas.
  double full_one_thread = full_seconds;
  if (threads != 1) {
    start = Clock::now();
    features::compute_features(inputs, manifest.features(), first, last, {.max_threads = 1});
    full_one_thread = seconds_since(start);
    std::printf("full, one engine thread: %.3f s\n", full_one_thread);
  }
  if (!run_peer) return incremental_ok ? EXIT_SUCCESS : EXIT_FAILURE;

  double ours_seconds = full_seconds;
  double ours_one_thread = full_one_thread;
  if (subset) {
    const features::EngineInputs subset_inputs{compared_prices, history.topix,
                                               history.investor_types};
    start = Clock::now();
    const Table ours =
        features::compute_features(subset_inputs, manifest.features(), first, last, engine_options);
    ours_seconds = seconds_since(start);
    ours_one_thread = ours_seconds;
    if (threads != 1) {
      start = Clock::now();
      features::compute_features(subset_inputs, manifest.features(), first, last,
                                 {.max_threads = 1});
      ours_one_thread = seconds_since(start);
    }
    ours_sample = sample_of(ours, compared_prices, stride);
    std::printf(
        "subset for the peer: the first %zu codes, %zu rows: ours %.3f s (%.3f s on one "
        "thread)\n",
        peer_stocks, compared_prices.num_rows(), ours_seconds, ours_one_thread);
  }

  if (keep && run_peer) {
    write_csv(dir / "ours_sample.csv", ours_sample, [&] {
      std::vector<std::string> columns = {"code", "date"};
      columns.insert(columns.end(), names.begin(), names.end());
      return columns;
    }());
  }
  if (peer) {
    const std::string what =
        fmt::format("features, {} rows x {}", compared_prices.num_rows(), names.size());
    print_ratio((what + (threads == 1 ? " (1 thread)" : " (all cores)")).c_str(), ours_seconds,
                "pandas", peer->seconds);
    if (threads != 1)
      print_ratio((what + " (1 thread)").c_str(), ours_one_thread, "pandas", peer->seconds);
    compare_with_peer(dir / "peer_sample.csv", ours_sample, names);
  }
  std::printf("peak RSS: this process %.1f GiB, the peer %.1f GiB\n", peak_rss_gib(RUSAGE_SELF),
              peak_rss_gib(RUSAGE_CHILDREN));
  if (!keep) fs::remove_all(dir);
  return incremental_ok && peer ? EXIT_SUCCESS : EXIT_FAILURE;
}

// Parquet benchmark: gogooku3's Writer and Reader against DuckDB on a feature-table-shaped file
// (code, date and 20 float columns; 4,000 codes x 2,500 trading days = 10M rows; ZSTD).
//
// gogooku3 writes the generated table, reads it back whole and reads a 3-column projection.
// DuckDB (node, bench/parquet_bench_duckdb.mjs, run as a child of this driver) loads our file
// into memory untimed, then times its own COPY ... TO parquet (zstd), a full read materialized
// in DuckDB's result chunks (never converted to JS values) and the same projection; once with
// its default thread count and once with SET threads=1, since our code is single-threaded.
// Each gogooku3 phase runs in a fresh process (this binary with --phase), so its peak RSS
// (VmHWM) is its own; the write phase resets VmHWM after generating the table it writes.
//   build/release/bench/parquet_bench [rows] [repeats]   (default 10000000 rows, best of 2)
// GOGOOKU3_BENCH_DIR picks the scratch directory (default: the system temp directory);
// GOGOOKU3_DUCKDB_PEER the peer script (default: beside this source file).
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench_timer.h"
#include "core/allocator.h"
#include "core/table.h"
#include "storage/io/file_io.h"
#include "storage/parquet/reader.h"
#include "storage/parquet/writer.h"

namespace gogooku3::bench {
namespace {

namespace fs = std::filesystem;
namespace pq = storage::parquet;

constexpr int kCodes = 4000;
constexpr int kFeatures = 20;
constexpr double kMB = 1e6;
const std::vector<std::string> kProjection = {"code", "date", "f00"};

// splitmix64: fast and fully deterministic, so every run writes the same bytes.
struct Random {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Irwin-Hall of four 16-bit uniforms: close enough to N(0, 1) for a random walk.
  double normal() {
    const std::uint64_t bits = next();
    double sum = 0;
    for (int i = 0; i < 4; ++i) sum += static_cast<double>((bits >> (16 * i)) & 0xffff);
    return (sum - 2 * 65535.0) / (65535.0 * std::sqrt(4.0 / 12.0));
  }
};

std::string feature_name(int j) {
  char name[8];
  std::snprintf(name, sizeof name, "f%02d", j);
  return name;
}

// Rows sorted by (code, date) like a feature table. Each feature column is one of four kinds
// seen in real feature tables: daily returns, a slowly drifting volatility-like level, a price
// random walk, and a mean-reverting z-score. The first lookback rows of every code are NaN
// (lookback 5 to 100 days by column), and about 0.5% of the rest are NaN at random.
Table make_feature_table(int days) {
  const std::size_t rows = static_cast<std::size_t>(kCodes) * static_cast<std::size_t>(days);
  std::vector<Date> trading_days;
  for (Date d = Date::from_ymd(2015, 1, 5); static_cast<int>(trading_days.size()) < days; ++d) {
    if (!d.is_weekend()) trading_days.push_back(d);
  }
  std::vector<std::string> codes(rows);
  std::vector<Date> dates(rows);
  std::vector<std::vector<float>> features(kFeatures, std::vector<float>(rows));
  Random random{42};
  for (int c = 0; c < kCodes; ++c) {
    char code[8];
    std::snprintf(code, sizeof code, "%04d0", 1301 + c * (9999 - 1301) / (kCodes - 1));
    const std::size_t base = static_cast<std::size_t>(c) * static_cast<std::size_t>(days);
    for (int d = 0; d < days; ++d) {
      codes[base + d] = code;
      dates[base + d] = trading_days[d];
    }
    for (int j = 0; j < kFeatures; ++j) {
      const int lookback = 5 * (j + 1);
      const double sigma = 0.01 + 0.03 * random.uniform();
      double level = j % 4 == 2 ? std::log(100 + 9900 * random.uniform()) : 0.0;
      float* out = features[j].data() + base;
      for (int d = 0; d < days; ++d) {
        const double shock = random.normal();
        double value = 0;
        switch (j % 4) {
          case 0:
            value = sigma * shock;
            break;
          case 1:
            level = 0.98 * level + 0.02 * std::abs(shock);
            value = sigma * (0.5 + level);
            break;
          case 2:
            level += sigma * shock;
            value = std::exp(level);
            break;
          default:
            level = 0.9 * level + 0.44 * shock;
            value = level;
            break;
        }
        const bool missing = d < lookback || random.uniform() < 0.005;
        out[d] = missing ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(value);
      }
    }
  }
  std::vector<Column> columns;
  columns.push_back(Column::of<std::string>(std::string(kCodeColumn), std::move(codes)));
  columns.push_back(Column::of<Date>(std::string(kDateColumn), std::move(dates)));
  for (int j = 0; j < kFeatures; ++j) {
    columns.push_back(Column::of<float>(feature_name(j), std::move(features[j])));
  }
  return Table(std::move(columns));
}

// Bytes of the values themselves (a code's 5 characters, 4 per date or float): what the
// throughput and memory figures are measured against.
double column_data_bytes(const Table& table) {
  double bytes = 0;
  for (const Column& column : table.columns()) {
    if (column.type() == ColumnType::kString) {
      for (const std::string& value : column.as<std::string>()) {
        bytes += static_cast<double>(value.size());
      }
    } else {
      bytes += 4.0 * static_cast<double>(column.size());
    }
  }
  return bytes;
}

// Order-sensitive digest of every value, so the read-back can be checked after the source
// table is gone (keeping it would distort the reader's peak RSS).
std::uint64_t digest(const Table& table) {
  std::uint64_t hash = 1469598103934665603ULL;
  auto mix = [&hash](std::uint64_t value) { hash = (hash ^ value) * 1099511628211ULL; };
  for (const Column& column : table.columns()) {
    switch (column.type()) {
      case ColumnType::kString:
        for (const std::string& value : column.as<std::string>()) {
          for (char ch : value) mix(static_cast<unsigned char>(ch));
        }
        break;
      case ColumnType::kDate:
        for (Date value : column.as<Date>())
          mix(static_cast<std::uint32_t>(value.days_since_epoch()));
        break;
      case ColumnType::kFloat:
        for (float value : column.as<float>()) mix(std::bit_cast<std::uint32_t>(value));
        break;
      default:
        std::abort();
    }
  }
  return hash;
}

// A field of /proc/self/status in bytes ("VmHWM", "VmRSS"); 0 where there is none.
double status_bytes(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return 1024.0 * std::atof(line.c_str() + key.size() + 1);
  }
  return 0;
}

// Linux resets VmHWM to the current RSS when "5" is written to clear_refs.
bool reset_peak_rss() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
  clear_refs.flush();
  return static_cast<bool>(clear_refs);
}

struct PeerRun {
  int threads = 0;
  double write_s = 0, full_read_s = 0, projected_read_s = 0;
  unsigned long long file_bytes = 0;
};

struct Peer {
  std::string version;
  int default_threads = 0;
  double peak_rss_bytes = 0;
  std::vector<PeerRun> runs;
};

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char ch : text) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

std::optional<Peer> run_duckdb_peer(const fs::path& source, const fs::path& dir, int repeats,
                                    std::size_t rows) {
  const char* override_script = std::getenv("GOGOOKU3_DUCKDB_PEER");
  const fs::path script = override_script
                              ? fs::path(override_script)
                              : fs::path(__FILE__).parent_path() / "parquet_bench_duckdb.mjs";
  const std::string command = "node --expose-gc " + shell_quote(script.string()) + " " +
                              shell_quote(source.string()) + " " + shell_quote(dir.string()) + " " +
                              std::to_string(repeats) + " " + std::to_string(rows);
  std::fflush(stdout);
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  Peer peer;
  char line[512];
  while (std::fgets(line, sizeof line, pipe)) {
    PeerRun run;
    char version[128];
    double kib = 0;
    if (std::sscanf(line, "version %127s", version) == 1) {
      peer.version = version;
    } else if (std::sscanf(line, "default_threads %d", &peer.default_threads) == 1) {
    } else if (std::sscanf(line, "peak_rss_kib %lf", &kib) == 1) {
      peer.peak_rss_bytes = kib * 1024;
    } else if (std::sscanf(line,
                           "run threads=%d write_s=%lf full_read_s=%lf projected_read_s=%lf "
                           "file_bytes=%llu",
                           &run.threads, &run.write_s, &run.full_read_s, &run.projected_read_s,
                           &run.file_bytes) == 5) {
      peer.runs.push_back(run);
    } else {
      std::fputs(line, stdout);  // the peer's own complaint
    }
  }
  const int status = pclose(pipe);
  if (status != 0 || peer.runs.empty()) {
    std::printf("DuckDB peer failed (%s exited with status %d)\n", command.c_str(), status);
    return std::nullopt;
  }
  return peer;
}

std::string threads_text(int threads) {
  return std::to_string(threads) + (threads == 1 ? " thread" : " threads");
}

std::string peer_label(const char* what, int threads) {
  return std::string("DuckDB ") + what + ", " + threads_text(threads);
}

void print_rss(const char* phase, double peak, double data_bytes, const char* note = "") {
  std::printf("peak RSS %-30s %9.1f MB = x%.2f column data (target < x2.00)%s\n", phase, peak / kMB,
              peak / data_bytes, note);
}

// One measured phase, run in a fresh process (this binary with --phase) so that its VmHWM is
// its own and not what an earlier phase left in the allocator. Prints "key value" lines.
//   write:   generates the table, then times write_table (VmHWM reset after generating)
//   read:    times Reader::read() of every column
//   project: times Reader::read() of kProjection
void run_phase(const std::string& phase, std::size_t requested_rows, int repeats,
               const fs::path& path) {
  if (phase == "write") {
    const int days = std::max<int>(1, static_cast<int>(requested_rows / kCodes));
    const Table table = make_feature_table(days);
    std::printf("rows %zu\ndays %d\n", table.num_rows(), days);
    std::printf("data_bytes %.0f\ndigest %llu\n", column_data_bytes(table),
                static_cast<unsigned long long>(digest(table)));
    std::printf("table_rss %.0f\n", status_bytes("VmRSS"));
    if (!reset_peak_rss()) std::printf("note could not reset VmHWM after generating the table\n");
    const double seconds = best_seconds(repeats, [&] {
      pq::write_table(table, storage::create_local_file(path), pq::WriterOptions{});
    });
    std::printf("seconds %.9f\npeak_rss %.0f\n", seconds, status_bytes("VmHWM"));
    return;
  }
  pq::ReadOptions options;
  if (phase == "project") {
    options.columns = kProjection;
  } else if (phase != "read") {
    std::fprintf(stderr, "unknown phase %s\n", phase.c_str());
    std::exit(2);
  }
  // Timed up to the table being built; freeing it and digesting it are left out.
  double seconds = std::numeric_limits<double>::infinity();
  double first_seconds = 0;
  std::uint64_t read_digest = 0;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const Table table = pq::open_file(path).read(options);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    seconds = std::min(seconds, elapsed.count());
    if (i == 0) {
      read_digest = digest(table);
      first_seconds = elapsed.count();
    }
  }
  std::printf("digest %llu\nfirst_seconds %.9f\n", static_cast<unsigned long long>(read_digest),
              first_seconds);
  std::printf("seconds %.9f\npeak_rss %.0f\n", seconds, status_bytes("VmHWM"));
}

using PhaseResult = std::map<std::string, std::string>;

PhaseResult run_phase_process(const std::string& phase, std::size_t rows, int repeats,
                              const fs::path& path) {
  const std::string command = shell_quote(fs::read_symlink("/proc/self/exe").string()) +
                              " --phase " + phase + " " + std::to_string(rows) + " " +
                              std::to_string(repeats) + " " + shell_quote(path.string());
  std::fflush(stdout);
  FILE* pipe = popen(command.c_str(), "r");
  PhaseResult result;
  char line[512];
  while (pipe && std::fgets(line, sizeof line, pipe)) {
    std::string text(line);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    const std::size_t space = text.find(' ');
    if (space == std::string::npos) continue;
    result[text.substr(0, space)] = text.substr(space + 1);
  }
  if (!pipe || pclose(pipe) != 0 || !result.contains("seconds")) {
    std::printf("phase %s failed: %s\n", phase.c_str(), command.c_str());
    std::exit(1);
  }
  if (result.contains("note")) std::printf("(%s: %s)\n", phase.c_str(), result["note"].c_str());
  return result;
}

void parquet_bench(std::size_t requested_rows, int repeats) {
  const char* dir_override = std::getenv("GOGOOKU3_BENCH_DIR");
  const fs::path dir = (dir_override ? fs::path(dir_override) : fs::temp_directory_path()) /
                       ("gogooku3-parquet-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path ours = dir / "gogooku3.parquet";

  PhaseResult write = run_phase_process("write", requested_rows, repeats, ours);
  const std::size_t rows = std::stoull(write["rows"]);
  const double data_bytes = std::stod(write["data_bytes"]);
  std::printf("%zu rows (%d codes x %s days): code, date, %d float columns; ZSTD; best of %d\n",
              rows, kCodes, write["days"].c_str(), kFeatures, repeats);
  std::printf("column data %.1f MB (5 B a code, 4 B a date or float); each phase its own process\n",
              data_bytes / kMB);
  PhaseResult read = run_phase_process("read", rows, repeats, ours);
  if (read["digest"] != write["digest"]) {
    std::printf("read-back differs from the table written\n");
    std::exit(1);
  }
  PhaseResult project = run_phase_process("project", rows, repeats, ours);
  const double write_s = std::stod(write["seconds"]);
  const double full_read_s = std::stod(read["seconds"]);
  const double projected_s = std::stod(project["seconds"]);
  const double our_file_bytes = static_cast<double>(fs::file_size(ours));

  const std::optional<Peer> peer = run_duckdb_peer(ours, dir, repeats, rows);
  if (peer) {
    std::printf("peer: DuckDB %s via @duckdb/node-api, default threads %d\n", peer->version.c_str(),
                peer->default_threads);
  }
  char rows_text_buffer[32];
  std::snprintf(rows_text_buffer, sizeof rows_text_buffer, "%gM", static_cast<double>(rows) / 1e6);
  const std::string rows_text = rows_text_buffer;

  std::printf("\n");
  const std::string write_what = "write " + rows_text + " rows (zstd)";
  const std::string full_what = "full read " + rows_text + " rows, materialized";
  const std::string projected_what = "read code,date,f00 vs peer's FULL read";
  const std::string projected_same = "read code,date,f00 vs peer's same read";
  if (peer) {
    for (const PeerRun& run : peer->runs) {
      report(write_what.c_str(), write_s, peer_label("COPY TO", run.threads).c_str(), run.write_s);
    }
    for (const PeerRun& run : peer->runs) {
      report(full_what.c_str(), full_read_s, peer_label("SELECT *", run.threads).c_str(),
             run.full_read_s);
    }
    for (const PeerRun& run : peer->runs) {
      report(projected_what.c_str(), projected_s, peer_label("SELECT *", run.threads).c_str(),
             run.full_read_s);
    }
    std::printf(
        "  (target for the projected read: speed-up x2.00 or more against the full read)\n"
        "  (gogooku3's first projected read in its process, before freed buffers are reused: "
        "%.3f ms)\n",
        std::stod(project["first_seconds"]) * 1e3);
    for (const PeerRun& run : peer->runs) {
      report(projected_same.c_str(), projected_s, peer_label("3 columns", run.threads).c_str(),
             run.projected_read_s);
    }
  } else {
    std::printf("%-44s gogooku3 %10.3f ms\n", write_what.c_str(), write_s * 1e3);
    std::printf("%-44s gogooku3 %10.3f ms\n", full_what.c_str(), full_read_s * 1e3);
    std::printf("%-44s gogooku3 %10.3f ms\n", "read code,date,f00", projected_s * 1e3);
  }

  std::printf("\n");
  auto throughput = [&](const std::string& who, double write_seconds, double read_seconds) {
    std::printf("%-28s write %6.2f Mrows/s %8.1f MB/s   full read %6.2f Mrows/s %8.1f MB/s\n",
                who.c_str(), static_cast<double>(rows) / write_seconds / 1e6,
                data_bytes / write_seconds / kMB, static_cast<double>(rows) / read_seconds / 1e6,
                data_bytes / read_seconds / kMB);
  };
  // Writes run on one thread; reads decode on one thread per core.
  const std::string ours_label =
      "gogooku3 (read: " + std::to_string(std::max(1u, std::thread::hardware_concurrency())) +
      " threads)";
  throughput(ours_label, write_s, full_read_s);
  if (peer) {
    for (const PeerRun& run : peer->runs) {
      throughput("DuckDB (" + threads_text(run.threads) + ")", run.write_s, run.full_read_s);
    }
  }

  std::printf("\nfile size: gogooku3 %.1f MB (x%.3f of column data)", our_file_bytes / kMB,
              our_file_bytes / data_bytes);
  if (peer) {
    for (const PeerRun& run : peer->runs) {
      std::printf("; DuckDB %s %.1f MB (ours x%.3f)", threads_text(run.threads).c_str(),
                  static_cast<double>(run.file_bytes) / kMB,
                  our_file_bytes / static_cast<double>(run.file_bytes));
    }
  }
  std::printf("\n\n");

  char note[96];
  std::snprintf(note, sizeof note, "; the table alone %.1f MB",
                std::stod(write["table_rss"]) / kMB);
  print_rss("during write (table held)", std::stod(write["peak_rss"]), data_bytes, note);
  print_rss("during full read", std::stod(read["peak_rss"]), data_bytes);
  print_rss("during 3-column read", std::stod(project["peak_rss"]), data_bytes);
  if (peer && peer->peak_rss_bytes > 0) {
    std::printf("peak RSS of the DuckDB node process, all phases: %.1f MB\n",
                peer->peak_rss_bytes / kMB);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gogooku3::bench

int main(int argc, char** argv) {
  gogooku3::tune_allocator_for_batch_work();  // as the gogooku3 binary does
  if (argc == 6 && std::string(argv[1]) == "--phase") {
    gogooku3::bench::run_phase(argv[2], std::stoull(argv[3]), std::atoi(argv[4]), argv[5]);
    return 0;
  }
  const long long rows = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 2;
  if (rows <= 0 || repeats <= 0) {
    std::fprintf(stderr, "usage: parquet_bench [rows] [repeats]\n");
    return 2;
  }
  gogooku3::bench::parquet_bench(static_cast<std::size_t>(rows), repeats);
  return 0;
}

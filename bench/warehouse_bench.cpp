// Warehouse load benchmark: N feature rows (the built-in manifest's float32 columns, 4,000 codes
// a day) loaded into ClickHouse by gogooku3 (Warehouse::load: Native blocks, gzip level 1,
// streamed over HTTP while later blocks are encoded), against the local limit — clickhouse-client
// inserting the same rows from a Native file over the native protocol (LZ4) — in the same run,
// on the same server, into a fresh table each time. The target: within 1.5x.
//
// Needs the servers of scripts/with-servers.sh (ClickHouse's HTTP and native ports):
//   scripts/with-servers.sh build/release/bench/warehouse_bench [--rows 10000000] [--level 1]
// `make bench` does that. The Native file is written to a temporary directory (about 5 GB for
// 10M rows) and removed at the end.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "bench_timer.h"
#include "features/manifest.h"
#include "storage/warehouse/native_format.h"
#include "storage/warehouse/warehouse.h"

namespace gogooku3 {
namespace {

using storage::warehouse::ClickHouseOptions;
using storage::warehouse::Warehouse;

constexpr int kCodes = 4000;
constexpr std::string_view kDataset = "features/bench";

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// Codes × days rows, sorted by (date, code) as daily loads append them; values are AR(1) walks
// per code so neighbouring rows resemble real features rather than white noise.
Table make_features(std::size_t rows, const std::vector<std::string>& names) {
  std::vector<std::string> codes;
  std::vector<Date> dates;
  codes.reserve(rows);
  dates.reserve(rows);
  const Date first = Date::from_ymd(2016, 1, 4);
  for (std::size_t row = 0; row < rows; ++row) {
    codes.push_back(fmt::format("{:04d}0", 1300 + static_cast<int>(row % kCodes)));
    dates.push_back(first + static_cast<std::int32_t>(row / kCodes));
  }
  std::vector<Column> columns;
  columns.push_back(Column::of<std::string>("code", std::move(codes)));
  columns.push_back(Column::of<Date>("date", std::move(dates)));
  std::mt19937_64 random(42);
  std::normal_distribution<float> noise(0.0F, 1.0F);
  for (const std::string& name : names) {
    std::vector<float> values(rows);
    std::vector<float> state(kCodes, 0.0F);
    for (std::size_t row = 0; row < rows; ++row) {
      float& level = state[row % kCodes];
      level = 0.9F * level + 0.1F * noise(random);
      values[row] = level;
    }
    columns.push_back(Column::of<float>(name, std::move(values)));
  }
  return Table(std::move(columns));
}

void drop(const Warehouse& warehouse) {
  warehouse.client().execute("DROP TABLE IF EXISTS " + Warehouse::table_name(kDataset));
}

int run(std::size_t rows, int level) {
  if (env("GOGOOKU3_TEST_CLICKHOUSE_URL").empty()) {
    std::fprintf(stderr,
                 "warehouse_bench needs ClickHouse: run it through scripts/with-servers.sh\n");
    return 2;
  }
  ClickHouseOptions options;
  options.url = env("GOGOOKU3_TEST_CLICKHOUSE_URL");
  options.user = env("GOGOOKU3_TEST_CLICKHOUSE_USER");
  options.password = env("GOGOOKU3_TEST_CLICKHOUSE_PASSWORD");
  options.database = "gogooku3_bench";
  options.compression_level = level;
  Warehouse warehouse(options);
  warehouse.ensure_table(kDataset, {{"code", ColumnType::kString}, {"date", ColumnType::kDate}});

  const auto names = features::FeatureManifest::built_in().names();
  auto start = std::chrono::steady_clock::now();
  const Table table = make_features(rows, names);
  std::printf("%zu rows x %zu columns generated in %.1f s\n", table.num_rows(), table.num_columns(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());

  // The reference input: the same rows, with the same version and tombstone columns.
  const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                     fmt::format("gogooku3-warehouse-bench-{}.native", ::getpid());
  {
    std::ofstream out(file, std::ios::binary);
    std::string block;
    for (std::size_t first = 0; first < rows; first += Warehouse::kBlockRows) {
      block.clear();
      storage::warehouse::append_native_block(
          table, first, std::min(first + Warehouse::kBlockRows, rows),
          {{"_version", "UInt64", 1}, {"_deleted", "UInt8", 0}}, block);
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  const double file_gb = static_cast<double>(std::filesystem::file_size(file)) / 1e9;
  std::string columns;
  for (const Field& field : table.schema()) columns += "`" + field.name + "`, ";
  const std::string table_name = Warehouse::table_name(kDataset);
  const std::string client_command = fmt::format(
      "clickhouse-client --host 127.0.0.1 --port {} --user '{}' --password '{}' --database {} "
      "--query 'INSERT INTO {} ({}_version, _deleted) FORMAT Native' < '{}'",
      env("GOGOOKU3_TEST_CLICKHOUSE_TCP_PORT"), options.user, options.password, options.database,
      table_name, columns, file.string());

  storage::warehouse::LoadResult loaded;
  const double ours = bench::best_seconds(1, [&] {
    drop(warehouse);
    Warehouse fresh(options);
    fresh.ensure_table(kDataset, table.schema());
    loaded = fresh.load(kDataset, table);
  });
  const std::string counted =
      warehouse.client().execute(fmt::format("SELECT count() FROM {} FORMAT TSV", table_name));
  const double peer = bench::best_seconds(1, [&] {
    drop(warehouse);
    Warehouse(options).ensure_table(kDataset, table.schema());
    if (std::system(client_command.c_str()) != 0) {
      std::fprintf(stderr, "clickhouse-client failed: %s\n", client_command.c_str());
      std::exit(1);
    }
  });
  const std::string peer_counted =
      warehouse.client().execute(fmt::format("SELECT count() FROM {} FORMAT TSV", table_name));
  drop(warehouse);
  std::filesystem::remove(file);

  std::printf("rows stored: gogooku3 %lld, clickhouse-client %lld\n", std::stoll(counted),
              std::stoll(peer_counted));
  std::printf(
      "gogooku3: %zu blocks (%zu stored), %.2f GB Native -> %.2f GB sent (gzip level %d), "
      "%.0f rows/s\n",
      static_cast<std::size_t>(loaded.insert.blocks),
      static_cast<std::size_t>(loaded.insert.stored_blocks),
      static_cast<double>(loaded.insert.raw_bytes) / 1e9,
      static_cast<double>(loaded.insert.sent_bytes) / 1e9, level, static_cast<double>(rows) / ours);
  std::printf("clickhouse-client: %.2f GB Native file, %.0f rows/s\n", file_gb,
              static_cast<double>(rows) / peer);
  bench::report(fmt::format("load {} feature rows", rows).c_str(), ours, "clickhouse-client", peer);
  std::printf("gogooku3 / clickhouse-client = %.2fx (target: within 1.5x)\n", ours / peer);
  return 0;
}

}  // namespace
}  // namespace gogooku3

int main(int argc, char** argv) {
  CLI::App app("ClickHouse load benchmark: gogooku3 vs clickhouse-client");
  std::size_t rows = 10'000'000;
  int level = 1;
  app.add_option("--rows", rows, "Feature rows to load")->capture_default_str();
  app.add_option("--level", level, "gzip level of gogooku3's INSERT (0: uncompressed)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return gogooku3::run(rows, level);
}

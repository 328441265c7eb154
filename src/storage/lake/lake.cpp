#include "storage/lake/lake.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <set>

#include "core/error.h"
#include "storage/parquet/reader.h"

namespace gogooku3::storage {
namespace {

constexpr std::string_view kDatePrefix = "date=";
constexpr std::string_view kFileName = "data.parquet";

void validate_dataset(std::string_view dataset) {
  if (dataset.empty() || dataset.find(kDatePrefix) != std::string_view::npos) {
    throw invalid_input(
        "lake dataset '{}' is not valid: write area/asset (e.g. clean/prices), without date=",
        dataset);
  }
  validate_object_prefix(dataset);
}

// What a committed file was: its size and the SHA-256 of its bytes.
struct PublishedFile {
  std::uint64_t bytes = 0;
  std::string checksum;  // "sha256:<hex>"
};

// Forwards to a WritableFile and hashes every byte on the way, so the checksum recorded for a
// partition is of exactly the bytes published, computed without reading them back.
class Sha256WritableFile final : public WritableFile {
 public:
  Sha256WritableFile(std::unique_ptr<WritableFile> inner, std::shared_ptr<PublishedFile> result)
      : inner_(std::move(inner)), result_(std::move(result)), context_(EVP_MD_CTX_new()) {
    if (context_ == nullptr || EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) != 1) {
      throw internal_error("SHA-256 context could not be created");
    }
  }
  ~Sha256WritableFile() override { EVP_MD_CTX_free(context_); }
  Sha256WritableFile(const Sha256WritableFile&) = delete;
  Sha256WritableFile& operator=(const Sha256WritableFile&) = delete;

  const std::string& name() const override { return inner_->name(); }
  std::uint64_t bytes_written() const override { return inner_->bytes_written(); }
  void append(std::string_view bytes) override {
    EVP_DigestUpdate(context_, bytes.data(), bytes.size());
    inner_->append(bytes);
  }
  void commit() override {
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_, hash, &length);
    std::string hex = "sha256:";
    for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", hash[i]);
    inner_->commit();
    result_->bytes = inner_->bytes_written();
    result_->checksum = std::move(hex);
  }

 private:
  std::unique_ptr<WritableFile> inner_;
  std::shared_ptr<PublishedFile> result_;
  EVP_MD_CTX* context_;
};

// The date of "<dataset>/date=YYYY-MM-DD/data.parquet", if `key` is such a partition file.
std::optional<Date> partition_date(std::string_view dataset, std::string_view key) {
  const std::string prefix = fmt::format("{}/{}", dataset, kDatePrefix);
  if (!key.starts_with(prefix)) return std::nullopt;
  const std::string_view rest = key.substr(prefix.size());
  if (rest.size() != 10 + 1 + kFileName.size() || rest[10] != '/' || rest.substr(11) != kFileName) {
    return std::nullopt;
  }
  try {
    return Date::parse(rest.substr(0, 10));
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace

Lake::Lake(std::shared_ptr<ObjectStore> store, MetadataStore* metadata)
    : store_(std::move(store)), metadata_(metadata) {}

std::string Lake::partition_key(std::string_view dataset, Date date) {
  validate_dataset(dataset);
  return fmt::format("{}/{}{}/{}", dataset, kDatePrefix, date.to_string(), kFileName);
}

LakePartition Lake::write_partition(std::string_view dataset, Date date, const Table& table,
                                    const parquet::WriterOptions& options,
                                    const std::optional<std::string>& run_id) {
  LakePartition partition{std::string(dataset), date, partition_key(dataset, date), 0, 0, ""};
  auto published = std::make_shared<PublishedFile>();
  parquet::Writer writer(
      std::make_unique<Sha256WritableFile>(store_->open_write(partition.key), published),
      table.schema(), options);
  writer.write(table);
  writer.close();
  partition.rows = static_cast<std::int64_t>(table.num_rows());
  partition.bytes = published->bytes;
  partition.checksum = published->checksum;
  if (metadata_ != nullptr) {
    PartitionStatus status;
    status.asset = partition.dataset;
    status.partition_key = date.to_string();
    status.state = PartitionState::kMaterialized;
    status.run_id = run_id;
    status.row_count = partition.rows;
    status.byte_count = static_cast<std::int64_t>(partition.bytes);
    status.checksum = partition.checksum;
    metadata_->upsert_partition_status(status);
  }
  return partition;
}

Table Lake::read_partition(std::string_view dataset, Date date,
                           const std::vector<std::string>& columns) const {
  const std::string key = partition_key(dataset, date);
  parquet::ReadOptions options;
  options.columns = columns;
  if (columns.empty()) {
    // Every column chunk will be read: one GET of the whole object instead of a ranged read
    // per chunk (a 130-column feature partition on S3 is 2 requests, not 130).
    return parquet::Reader::open(memory_file(store_->url_of(key), store_->get(key))).read(options);
  }
  return parquet::Reader::open(store_->open_read(key)).read(options);
}

std::vector<LakePartition> Lake::list_partitions(std::string_view dataset) const {
  validate_dataset(dataset);
  std::vector<LakePartition> partitions;
  for (const ObjectInfo& object : store_->list(fmt::format("{}/{}", dataset, kDatePrefix))) {
    const std::optional<Date> date = partition_date(dataset, object.key);
    if (!date) continue;
    LakePartition partition{std::string(dataset), *date, object.key, -1, object.size, ""};
    if (metadata_ != nullptr) {
      if (const auto status = metadata_->get_partition_status(dataset, date->to_string());
          status && status->state == PartitionState::kMaterialized) {
        partition.rows = status->row_count;
        partition.checksum = status->checksum;
      }
    }
    partitions.push_back(std::move(partition));
  }
  std::sort(partitions.begin(), partitions.end(),
            [](const LakePartition& a, const LakePartition& b) { return a.date < b.date; });
  return partitions;
}

Table Lake::read_range(std::string_view dataset, Date from, Date to,
                       const std::vector<std::string>& columns) const {
  if (to < from) {
    throw invalid_input("lake {}: range {}..{} ends before it starts", dataset, from.to_string(),
                        to.to_string());
  }
  validate_dataset(dataset);
  // The store's listing is enough here: statuses from the metadata database are not needed to
  // read, and asking for each would cost one query per day.
  std::vector<Date> dates;
  for (const ObjectInfo& object : store_->list(fmt::format("{}/{}", dataset, kDatePrefix))) {
    const std::optional<Date> date = partition_date(dataset, object.key);
    if (date && from <= *date && *date <= to) dates.push_back(*date);
  }
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  if (dates.empty()) return Table();
  // Days are independent files: read them in parallel (one decode thread each, so that a long
  // range of small partitions uses every core without oversubscribing).
  std::vector<Table> days(dates.size());
  tbb::parallel_for(size_t{0}, dates.size(), [&](size_t i) {
    parquet::ReadOptions options;
    options.columns = columns;
    options.threads = 1;
    days[i] =
        parquet::Reader::open(store_->open_read(partition_key(dataset, dates[i]))).read(options);
  });
  return Table::concat(days);
}

std::vector<std::string> Lake::datasets() const {
  std::set<std::string> found;
  for (const ObjectInfo& object : store_->list("")) {
    const size_t at = object.key.find(fmt::format("/{}", kDatePrefix));
    if (at == std::string::npos) continue;
    const std::string dataset = object.key.substr(0, at);
    if (partition_date(dataset, object.key)) found.insert(dataset);
  }
  return {found.begin(), found.end()};
}

}  // namespace gogooku3::storage

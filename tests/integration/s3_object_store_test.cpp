// S3ObjectStore against a real S3-compatible server (moto, started by scripts/with-servers.sh
// with request signing enforced). Needs GOGOOKU3_TEST_S3_ENDPOINT and AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY; without them, or without an answering server, every test fails.
#include "storage/object_store/s3_object_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>

#include "core/error.h"
#include "s3_test_server.h"
#include "storage/object_store/object_store.h"

namespace gogooku3::storage {
namespace {

class S3ObjectStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setup_error_.clear();
    bucket_ = create_test_bucket("it", setup_error_);
  }

  void SetUp() override {
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    prefix_ = std::string("t/") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    store_ = open_object_store("s3://" + bucket_ + "/" + prefix_, test_s3_options());
  }

  std::vector<std::string> keys(std::string_view prefix) const {
    std::vector<std::string> out;
    for (const ObjectInfo& info : store_->list(prefix)) out.push_back(info.key);
    return out;
  }

  static std::string bucket_;
  static std::string setup_error_;
  std::string prefix_;
  std::unique_ptr<ObjectStore> store_;
};

std::string S3ObjectStoreTest::bucket_;
std::string S3ObjectStoreTest::setup_error_;

Error error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no gogooku3::Error thrown";
  return Error(ErrorCategory::kInternal, "");
}

TEST_F(S3ObjectStoreTest, PutGetStatRemove) {
  store_->put("clean/prices/data.parquet", "PAR1 content");
  EXPECT_EQ(store_->get("clean/prices/data.parquet"), "PAR1 content");
  const auto info = store_->stat("clean/prices/data.parquet");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, 12u);
  EXPECT_GT(info->modified_ms, 1'600'000'000'000);
  EXPECT_FALSE(store_->stat("clean/prices/missing").has_value());
  store_->put("empty", "");
  EXPECT_EQ(store_->get("empty"), "");
  store_->remove("clean/prices/data.parquet");
  store_->remove("clean/prices/data.parquet");  // missing: no error
  EXPECT_FALSE(store_->stat("clean/prices/data.parquet").has_value());
  const Error missing = error_of([&] { store_->get("clean/prices/data.parquet"); });
  EXPECT_EQ(missing.category(), ErrorCategory::kNotFound);
  EXPECT_NE(std::string(missing.what()).find(store_->url_of("clean/prices/data.parquet")),
            std::string::npos)
      << missing.what();
  EXPECT_EQ(error_of([&] { store_->open_read("nothing"); }).category(), ErrorCategory::kNotFound);
}

TEST_F(S3ObjectStoreTest, RangedReads) {
  store_->put("r.bin", "0123456789");
  const std::shared_ptr<RandomAccessFile> file = store_->open_read("r.bin");
  EXPECT_EQ(file->size(), 10u);
  EXPECT_EQ(file->read(2, 3), "234");
  EXPECT_EQ(file->read(9, 1), "9");
  EXPECT_EQ(file->read(0, 10), "0123456789");
  EXPECT_EQ(file->read(4, 0), "");
  EXPECT_EQ(error_of([&] { file->read(8, 3); }).category(), ErrorCategory::kCorruption);
  EXPECT_EQ(file->name(), store_->url_of("r.bin"));
}

TEST_F(S3ObjectStoreTest, ListPagesThroughMoreThanAThousandKeys) {
  constexpr int kKeys = 1203;
  for (int i = 0; i < kKeys; ++i) store_->put(fmt::format("many/{:05d}", i), "x");
  store_->put("other/1", "y");
  const std::vector<std::string> listed = keys("many/");
  ASSERT_EQ(listed.size(), static_cast<std::size_t>(kKeys));
  EXPECT_EQ(listed.front(), "many/00000");
  EXPECT_EQ(listed.back(), fmt::format("many/{:05d}", kKeys - 1));
  EXPECT_TRUE(std::is_sorted(listed.begin(), listed.end()));
  EXPECT_EQ(keys("").size(), static_cast<std::size_t>(kKeys + 1));
  store_->remove_prefix("many/");
  EXPECT_EQ(keys(""), (std::vector<std::string>{"other/1"}));
}

TEST_F(S3ObjectStoreTest, WriterIsInvisibleUntilCommit) {
  store_->put("f", "old");
  std::unique_ptr<WritableFile> writer = store_->open_write("f");
  writer->append("new");
  EXPECT_EQ(store_->get("f"), "old");
  writer->commit();
  EXPECT_EQ(store_->get("f"), "new");
  {
    std::unique_ptr<WritableFile> abandoned = store_->open_write("never");
    abandoned->append("data");
  }
  EXPECT_FALSE(store_->stat("never").has_value());
}

TEST_F(S3ObjectStoreTest, MultipartUploadAndAbort) {
  S3Options options = test_s3_options();
  options.multipart_threshold = 6 << 20;
  options.part_size = 5 << 20;
  std::unique_ptr<ObjectStore> store =
      open_object_store("s3://" + bucket_ + "/" + prefix_, options);
  std::string content(13 << 20, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 131) % 251);
  {
    std::unique_ptr<WritableFile> writer = store->open_write("big.bin");
    for (std::size_t at = 0; at < content.size(); at += 1 << 20) {
      writer->append(std::string_view(content).substr(at, 1 << 20));
    }
    EXPECT_FALSE(store->stat("big.bin").has_value());  // parts sent, nothing visible
    writer->commit();
  }
  ASSERT_EQ(store->stat("big.bin")->size, content.size());
  const std::shared_ptr<RandomAccessFile> file = store->open_read("big.bin");
  EXPECT_EQ(file->read((5 << 20) - 3, 6), content.substr((5 << 20) - 3, 6));
  EXPECT_EQ(store->get("big.bin"), content);
  {
    std::unique_ptr<WritableFile> abandoned = store->open_write("aborted.bin");
    abandoned->append(std::string_view(content).substr(0, 11 << 20));
  }
  EXPECT_FALSE(store->stat("aborted.bin").has_value());
  EXPECT_EQ(keys(""), (std::vector<std::string>{"big.bin"}));
}

// Keys travel percent-encoded and signed; the names below need encoding in the path and in
// ListObjectsV2's prefix, and come back XML-escaped in listings.
TEST_F(S3ObjectStoreTest, KeysThatNeedEncoding) {
  std::vector<std::string> names = {"with space/a b.txt", "date=2026-09-24/x+y.parquet", "amp&lt'x",
                                    "tilde~_-.x", "paren(1),at@"};
  // moto cannot verify a signature over a non-ASCII path in any encoding (werkzeug hands
  // botocore the decoded IRI); against strict SigV4 servers the unicode key is tested too.
  const bool unicode = !test_s3_options().iri_request_line;
  if (unicode) names.push_back("unicode/\xE6\x97\xA5\xE7\xB5\x8C.csv");
  for (const std::string& name : names) store_->put(name, name);
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(keys(""), sorted);
  for (const std::string& name : names) {
    EXPECT_EQ(store_->get(name), name) << name;
    EXPECT_EQ(store_->stat(name)->size, name.size()) << name;
    EXPECT_EQ(store_->open_read(name)->read(1, 2), name.substr(1, 2)) << name;
  }
  EXPECT_EQ(keys("date=2026-09-24/"), (std::vector<std::string>{"date=2026-09-24/x+y.parquet"}));
  if (unicode) {
    EXPECT_EQ(keys("unicode/\xE6\x97\xA5").size(), 1u);
  }
  store_->remove("amp&lt'x");
  store_->remove_prefix("");
  EXPECT_TRUE(keys("").empty());
}

TEST_F(S3ObjectStoreTest, VirtualHostAddressing) {
  S3Options options = test_s3_options();
  options.path_style = false;
  std::string endpoint = options.endpoint;
  const std::size_t host = endpoint.find("127.0.0.1");
  ASSERT_NE(host, std::string::npos) << "expects an endpoint on 127.0.0.1: " << endpoint;
  options.endpoint = endpoint.replace(host, 9, "localhost");
  std::unique_ptr<ObjectStore> store =
      open_object_store("s3://" + bucket_ + "/" + prefix_, options);
  store->put("vh/one", "virtual");
  EXPECT_EQ(store_->get("vh/one"), "virtual");  // visible through path style too
  EXPECT_EQ(store->get("vh/one"), "virtual");
  EXPECT_EQ(store->list("vh/").size(), 1u);
  store->remove_prefix("vh/");
  EXPECT_FALSE(store_->stat("vh/one").has_value());
}

TEST_F(S3ObjectStoreTest, WrongSecretIsUnauthorizedNamingTheEndpoint) {
  S3Options options = test_s3_options();
  options.secret_access_key = "not-the-secret";
  std::unique_ptr<ObjectStore> store = open_object_store("s3://" + bucket_, options);
  const Error error = error_of([&] { store->put("x", "y"); });
  EXPECT_EQ(error.category(), ErrorCategory::kUnauthorized) << error.what();
  const std::string message = error.what();
  EXPECT_NE(message.find(options.endpoint), std::string::npos) << message;
  EXPECT_NE(message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << message;
  EXPECT_EQ(error_of([&] { store->list(""); }).category(), ErrorCategory::kUnauthorized);
  options.access_key_id = "AKIAUNKNOWNUNKNOWN00";
  std::unique_ptr<ObjectStore> unknown = open_object_store("s3://" + bucket_, options);
  EXPECT_EQ(error_of([&] { unknown->get("x"); }).category(), ErrorCategory::kUnauthorized);
}

TEST_F(S3ObjectStoreTest, MissingBucketIsNotFoundNamingTheBucket) {
  std::unique_ptr<ObjectStore> store =
      open_object_store("s3://gogooku3-no-such-bucket-" + bucket_.substr(13), test_s3_options());
  const Error error = error_of([&] { store->get("a/b"); });
  EXPECT_EQ(error.category(), ErrorCategory::kNotFound) << error.what();
  EXPECT_NE(std::string(error.what()).find("gogooku3-no-such-bucket-"), std::string::npos)
      << error.what();
  EXPECT_EQ(error_of([&] { store->list(""); }).category(), ErrorCategory::kNotFound);
  EXPECT_EQ(error_of([&] { store->put("k", "v"); }).category(), ErrorCategory::kNotFound);
}

}  // namespace
}  // namespace gogooku3::storage

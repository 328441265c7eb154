#include "storage/object_store/s3_object_store.h"

#include <algorithm>

#include "core/error.h"
#include "storage/object_store/s3_client.h"
#include "storage/object_store/s3_protocol.h"

namespace gogooku3::storage {
namespace {

constexpr std::size_t kDeleteBatch = 1000;

void validate_bucket_name(std::string_view bucket, std::string_view url) {
  const bool valid_characters = std::all_of(bucket.begin(), bucket.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
  if (bucket.size() < 3 || bucket.size() > 63 || !valid_characters) {
    throw invalid_input(
        "S3 URL '{}': bucket name '{}' must be 3 to 63 characters of a-z, 0-9, '-' and '.'", url,
        bucket);
  }
}

class S3RandomAccessFile final : public RandomAccessFile {
 public:
  S3RandomAccessFile(std::shared_ptr<const s3::Client> client, std::string bucket, std::string key,
                     std::string name, std::uint64_t size, std::string etag)
      : client_(std::move(client)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        name_(std::move(name)),
        size_(size),
        etag_(std::move(etag)) {}

  const std::string& name() const override { return name_; }
  std::uint64_t size() const override { return size_; }

  void read_at(std::uint64_t offset, std::size_t length, char* out) const override {
    if (offset > size_ || length > size_ - offset) {
      throw corruption("{}: read of {} bytes at offset {} passes the end of the object ({} bytes)",
                       name_, length, offset, size_);
    }
    if (length == 0) return;
    s3::Request request;
    request.bucket = bucket_;
    request.key = key_;
    request.headers.push_back(fmt::format("Range: bytes={}-{}", offset, offset + length - 1));
    if (!etag_.empty()) request.headers.push_back("If-Match: " + etag_);
    const s3::Response response = client_->send(request);
    if (response.body.size() != length) {
      throw transient("{}: ranged GET of {} bytes at offset {} returned {} bytes", name_, length,
                      offset, response.body.size());
    }
    std::copy(response.body.begin(), response.body.end(), out);
  }

 private:
  std::shared_ptr<const s3::Client> client_;
  std::string bucket_;
  std::string key_;
  std::string name_;
  std::uint64_t size_;
  std::string etag_;
};

class S3WritableFile final : public WritableFile {
 public:
  S3WritableFile(std::shared_ptr<const s3::Client> client, std::string bucket, std::string key,
                 std::string name)
      : client_(std::move(client)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        name_(std::move(name)) {}

  ~S3WritableFile() override {
    if (committed_ || upload_id_.empty()) return;
    try {
      s3::Request request = make_request("DELETE");
      request.query = {{"uploadId", upload_id_}};
      request.not_found_is_answer = true;
      client_->send(request);
    } catch (const std::exception&) {
      // Best effort: a bucket lifecycle rule for incomplete uploads collects what is left.
    }
  }
  S3WritableFile(const S3WritableFile&) = delete;
  S3WritableFile& operator=(const S3WritableFile&) = delete;

  const std::string& name() const override { return name_; }
  std::uint64_t bytes_written() const override { return written_; }

  void append(std::string_view bytes) override {
    if (committed_) throw internal_error("{}: append after commit", name_);
    buffer_.append(bytes);
    written_ += bytes.size();
    const S3Options& options = client_->options();
    if (upload_id_.empty() && buffer_.size() > options.multipart_threshold) start_upload();
    if (!upload_id_.empty()) {
      while (buffer_.size() >= options.part_size) {
        upload_part(std::string_view(buffer_).substr(0, options.part_size));
        buffer_.erase(0, options.part_size);
      }
    }
  }

  void commit() override {
    if (committed_) return;
    if (upload_id_.empty()) {
      s3::Request request = make_request("PUT");
      request.body = buffer_;
      client_->send(request);
    } else {
      if (!buffer_.empty() || part_etags_.empty()) upload_part(buffer_);
      std::string body = "<CompleteMultipartUpload>";
      for (std::size_t i = 0; i < part_etags_.size(); ++i) {
        body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1,
                            s3::xml_escape(part_etags_[i]));
      }
      body += "</CompleteMultipartUpload>";
      s3::Request request = make_request("POST");
      request.query = {{"uploadId", upload_id_}};
      request.body = body;
      request.error_may_come_with_200 = true;
      client_->send(request);
    }
    buffer_.clear();
    buffer_.shrink_to_fit();
    committed_ = true;
  }

 private:
  s3::Request make_request(std::string method) const {
    s3::Request request;
    request.method = std::move(method);
    request.bucket = bucket_;
    request.key = key_;
    return request;
  }

  void start_upload() {
    s3::Request request = make_request("POST");
    request.query = {{"uploads", ""}};
    const s3::Response response = client_->send(request);
    upload_id_ = s3::xml_text(response.body, "UploadId").value_or("");
    if (upload_id_.empty()) {
      throw corruption("{}: CreateMultipartUpload answer has no UploadId: {}", name_,
                       response.body.substr(0, 200));
    }
  }

  void upload_part(std::string_view bytes) {
    s3::Request request = make_request("PUT");
    request.query = {{"partNumber", std::to_string(part_etags_.size() + 1)},
                     {"uploadId", upload_id_}};
    request.body = bytes;
    const s3::Response response = client_->send(request);
    const auto etag = response.headers.find("etag");
    if (etag == response.headers.end()) {
      throw corruption("{}: UploadPart {} answer has no ETag", name_, part_etags_.size() + 1);
    }
    part_etags_.push_back(etag->second);
  }

  std::shared_ptr<const s3::Client> client_;
  std::string bucket_;
  std::string key_;
  std::string name_;
  std::string buffer_;
  std::string upload_id_;
  std::vector<std::string> part_etags_;
  std::uint64_t written_ = 0;
  bool committed_ = false;
};

class S3ObjectStore final : public ObjectStore {
 public:
  S3ObjectStore(std::string bucket, std::string prefix, const S3Options& options)
      : client_(std::make_shared<s3::Client>(options)),
        bucket_(std::move(bucket)),
        prefix_(std::move(prefix)),
        url_("s3://" + bucket_) {
    if (!prefix_.empty()) {
      url_ += "/" + prefix_;
      prefix_ += "/";
    }
  }

  const std::string& url() const override { return url_; }
  std::string url_of(std::string_view key) const override { return url_ + "/" + std::string(key); }

  std::shared_ptr<RandomAccessFile> open_read(std::string_view key) const override {
    validate_object_key(key);
    s3::Request request = make_request("HEAD", key);
    const s3::Response response = client_->send(request);
    const auto length = response.headers.find("content-length");
    if (length == response.headers.end()) {
      throw corruption("{}: HEAD answer has no Content-Length", url_of(key));
    }
    const auto etag = response.headers.find("etag");
    return std::make_shared<S3RandomAccessFile>(
        client_, bucket_, request.key, url_of(key), std::stoull(length->second),
        etag == response.headers.end() ? std::string() : etag->second);
  }

  std::unique_ptr<WritableFile> open_write(std::string_view key) override {
    validate_object_key(key);
    return std::make_unique<S3WritableFile>(client_, bucket_, prefix_ + std::string(key),
                                            url_of(key));
  }

  void put(std::string_view key, std::string_view bytes) override {
    std::unique_ptr<WritableFile> file = open_write(key);
    file->append(bytes);
    file->commit();
  }

  std::string get(std::string_view key) const override {
    validate_object_key(key);
    return client_->send(make_request("GET", key)).body;
  }

  std::optional<ObjectInfo> stat(std::string_view key) const override {
    validate_object_key(key);
    s3::Request request = make_request("HEAD", key);
    request.not_found_is_answer = true;
    const s3::Response response = client_->send(request);
    if (response.status == 404) return std::nullopt;
    ObjectInfo info{std::string(key), 0, 0};
    if (const auto length = response.headers.find("content-length");
        length != response.headers.end()) {
      info.size = std::stoull(length->second);
    }
    if (const auto modified = response.headers.find("last-modified");
        modified != response.headers.end()) {
      info.modified_ms = s3::parse_http_date_ms(modified->second).value_or(0);
    }
    return info;
  }

  std::vector<ObjectInfo> list(std::string_view prefix) const override {
    validate_object_prefix(prefix);
    std::vector<ObjectInfo> objects;
    std::optional<std::string> token;
    do {
      s3::Request request = make_request("GET", "");
      request.key.clear();
      request.query = {{"list-type", "2"}, {"prefix", prefix_ + std::string(prefix)}};
      if (token) request.query.emplace_back("continuation-token", *token);
      s3::ListPage page = s3::parse_list_objects_v2(client_->send(request).body);
      for (ObjectInfo& object : page.objects) {
        if (!object.key.starts_with(prefix_)) continue;
        object.key.erase(0, prefix_.size());
        // "Directory" markers written by other tools are not objects of the lake.
        if (object.key.empty() || object.key.back() == '/') continue;
        objects.push_back(std::move(object));
      }
      token = std::move(page.next_continuation_token);
    } while (token);
    std::sort(objects.begin(), objects.end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return objects;
  }

  void remove(std::string_view key) override {
    validate_object_key(key);
    s3::Request request = make_request("DELETE", key);
    request.not_found_is_answer = true;
    client_->send(request);
  }

  void remove_prefix(std::string_view prefix) override {
    const std::vector<ObjectInfo> objects = list(prefix);
    for (std::size_t start = 0; start < objects.size(); start += kDeleteBatch) {
      const std::size_t end = std::min(objects.size(), start + kDeleteBatch);
      std::string body = "<Delete><Quiet>true</Quiet>";
      for (std::size_t i = start; i < end; ++i) {
        body += "<Object><Key>" + s3::xml_escape(prefix_ + objects[i].key) + "</Key></Object>";
      }
      body += "</Delete>";
      s3::Request request = make_request("POST", "");
      request.key.clear();
      request.query = {{"delete", ""}};
      request.body = body;
      request.headers.push_back("Content-MD5: " + s3::md5_base64(body));
      const s3::Response response = client_->send(request);
      const std::vector<std::string_view> errors = s3::xml_elements(response.body, "Error");
      if (!errors.empty()) {
        throw transient("{}: deleting under prefix '{}' failed for {} objects, first {} ({}: {})",
                        url_, prefix, errors.size(),
                        s3::xml_text(errors.front(), "Key").value_or("?"),
                        s3::xml_text(errors.front(), "Code").value_or("?"),
                        s3::xml_text(errors.front(), "Message").value_or(""));
      }
    }
  }

 private:
  s3::Request make_request(std::string method, std::string_view key) const {
    s3::Request request;
    request.method = std::move(method);
    request.bucket = bucket_;
    request.key = prefix_ + std::string(key);
    return request;
  }

  std::shared_ptr<const s3::Client> client_;
  std::string bucket_;
  std::string prefix_;  // "" or "some/prefix/"
  std::string url_;
};

}  // namespace

std::unique_ptr<ObjectStore> open_s3_object_store(std::string_view url, const S3Options& options) {
  if (!url.starts_with("s3://")) throw invalid_input("'{}' is not an s3:// URL", url);
  std::string_view rest = url.substr(5);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const std::size_t slash = rest.find('/');
  const std::string_view bucket = rest.substr(0, slash);
  const std::string_view prefix =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  validate_bucket_name(bucket, url);
  if (!prefix.empty()) validate_object_key(prefix);
  return std::make_unique<S3ObjectStore>(std::string(bucket), std::string(prefix), options);
}

void create_s3_bucket(std::string_view bucket, const S3Options& options) {
  validate_bucket_name(bucket, bucket);
  const s3::Client client(options);
  s3::Request request;
  request.method = "PUT";
  request.bucket = std::string(bucket);
  std::string body;
  if (options.region != "us-east-1") {
    body = fmt::format(
        "<CreateBucketConfiguration><LocationConstraint>{}</LocationConstraint>"
        "</CreateBucketConfiguration>",
        options.region);
  }
  request.body = body;
  try {
    client.send(request);
  } catch (const Error& e) {
    if (std::string_view(e.what()).find("BucketAlreadyOwnedByYou") == std::string_view::npos) throw;
  }
}

}  // namespace gogooku3::storage

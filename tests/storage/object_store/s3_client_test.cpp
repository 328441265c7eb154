// The S3 client against a scripted HTTP server: which answers it retries, how often, and what
// it throws when it gives up.
#include "storage/object_store/s3_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "core/error.h"
#include "fake_http_server.h"
#include "storage/object_store/s3_protocol.h"

namespace gogooku3::storage::s3 {
namespace {

using Reply = FakeHttpServer::Reply;

std::string error_xml(std::string_view code, std::string_view message) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code>"
      "<Message>{}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>",
      code, message);
}

// Answers with the scripted replies in order; the last one repeats once the script runs out.
class S3ClientRetryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<FakeHttpServer>([this](const FakeHttpServer::Request&) {
      std::lock_guard lock(mutex_);
      if (script_.empty()) return Reply{500, "script exhausted", {}};
      Reply reply = script_.front();
      if (script_.size() > 1) script_.pop_front();
      return reply;
    });
    options_.endpoint = server_->endpoint();
    options_.path_style = true;
    options_.access_key_id = "AKIDEXAMPLE";
    options_.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    options_.max_retries = 3;
    options_.retry_base_delay = std::chrono::milliseconds(1);
    options_.retry_max_delay = std::chrono::milliseconds(4);
    options_.connect_timeout = std::chrono::milliseconds(2000);
    options_.request_timeout = std::chrono::milliseconds(5000);
  }
  void TearDown() override { server_->stop(); }

  void script(std::deque<Reply> replies) {
    std::lock_guard lock(mutex_);
    script_ = std::move(replies);
  }
  std::size_t request_count() const { return server_->requests().size(); }

  static Request get(std::string key = "data/x.bin") {
    Request request;
    request.bucket = "bucket";
    request.key = std::move(key);
    return request;
  }

  // The error `request` fails with; fails the test if it succeeds or throws something else.
  Error failure_of(const Request& request) const {
    const Client client(options_);
    try {
      client.send(request);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "expected " << request.method << " to fail";
    return Error(ErrorCategory::kInternal, "no error");
  }

  std::unique_ptr<FakeHttpServer> server_;
  S3Options options_;
  std::mutex mutex_;
  std::deque<Reply> script_;
};

TEST_F(S3ClientRetryTest, GetRetriesTwo500sThenSucceeds) {
  script({{500, error_xml("InternalError", "try again"), {}}, {500, "", {}}, {200, "hello", {}}});
  const Response response = Client(options_).send(get());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello");
  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& request : requests) {
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.target, "/bucket/data/x.bin");
    EXPECT_EQ(request.headers.at("x-amz-content-sha256"), sha256_hex(""));
    EXPECT_TRUE(request.headers.at("authorization").starts_with("AWS4-HMAC-SHA256 Credential="))
        << request.headers.at("authorization");
  }
}

TEST_F(S3ClientRetryTest, PutRetriesTwo500sAndResendsTheBody) {
  script({{500, "", {}}, {502, "", {}}, {200, "", {{"ETag", "\"abc\""}}}});
  Request request = get();
  request.method = "PUT";
  request.body = "payload bytes";
  const Response response = Client(options_).send(request);
  EXPECT_EQ(response.headers.at("etag"), "\"abc\"");
  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& sent : requests) {
    EXPECT_EQ(sent.method, "PUT");
    EXPECT_EQ(sent.body, "payload bytes");
    EXPECT_EQ(sent.headers.at("x-amz-content-sha256"), sha256_hex("payload bytes"));
  }
}

TEST_F(S3ClientRetryTest, HeadRetriesTwo500sThenSucceeds) {
  script({{500, "", {}}, {500, "", {}}, {200, std::string(42, 'x'), {{"ETag", "\"e\""}}}});
  Request request = get();
  request.method = "HEAD";
  const Response response = Client(options_).send(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(response.headers.at("content-length"), "42");
  EXPECT_EQ(request_count(), 3u);
}

TEST_F(S3ClientRetryTest, PostWithoutBodySendsAnEmptyBody) {
  script({{500, "", {}}, {200, "<UploadId>u-1</UploadId>", {}}});
  Request request = get();
  request.method = "POST";
  request.query = {{"uploads", ""}};
  const Response response = Client(options_).send(request);
  EXPECT_EQ(xml_text(response.body, "UploadId"), "u-1");
  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].target, "/bucket/data/x.bin?uploads=");
  EXPECT_EQ(requests[1].headers.at("content-length"), "0");
  EXPECT_EQ(requests[1].body, "");
}

TEST_F(S3ClientRetryTest, Persistent503IsTransientNamingTheObjectAndTheAttempts) {
  script({{503, error_xml("ServiceUnavailable", "Please reduce your request rate"), {}}});
  const Error error = failure_of(get());
  EXPECT_EQ(error.category(), ErrorCategory::kTransient);
  const std::string message = error.what();
  EXPECT_NE(message.find("s3://bucket/data/x.bin"), std::string::npos) << message;
  EXPECT_NE(message.find(server_->endpoint()), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 503 ServiceUnavailable"), std::string::npos) << message;
  EXPECT_NE(message.find("gave up after 4 attempts"), std::string::npos) << message;
  EXPECT_EQ(request_count(), 4u);
}

TEST_F(S3ClientRetryTest, NoRetriesMeansOneAttempt) {
  options_.max_retries = 0;
  script({{500, "", {}}});
  const Error error = failure_of(get());
  EXPECT_EQ(error.category(), ErrorCategory::kTransient);
  EXPECT_EQ(std::string(error.what()).find("gave up"), std::string::npos) << error.what();
  EXPECT_EQ(request_count(), 1u);
}

TEST_F(S3ClientRetryTest, Status429IsRateLimitedAfterRetries) {
  script({{429, "", {}}});
  const Error error = failure_of(get());
  EXPECT_EQ(error.category(), ErrorCategory::kRateLimited);
  EXPECT_NE(std::string(error.what()).find("slow down"), std::string::npos) << error.what();
  EXPECT_NE(std::string(error.what()).find("gave up after 4 attempts"), std::string::npos);
  EXPECT_EQ(request_count(), 4u);
}

TEST_F(S3ClientRetryTest, SlowDownIsRateLimitedAfterRetries) {
  script({{503, error_xml("SlowDown", "Please reduce your request rate."), {}}});
  const Error error = failure_of(get());
  EXPECT_EQ(error.category(), ErrorCategory::kRateLimited);
  EXPECT_NE(std::string(error.what()).find("Please reduce your request rate."), std::string::npos)
      << error.what();
  EXPECT_EQ(request_count(), 4u);
}

TEST_F(S3ClientRetryTest, SlowDownThenSuccessRecovers) {
  script({{503, error_xml("SlowDown", "slow"), {}}, {200, "ok", {}}});
  EXPECT_EQ(Client(options_).send(get()).body, "ok");
  EXPECT_EQ(request_count(), 2u);
}

TEST_F(S3ClientRetryTest, AccessDeniedIsUnauthorizedWithTheServersMessageAndNoRetry) {
  script({{403, error_xml("AccessDenied", "Access Denied by bucket policy"), {}}});
  const Error error = failure_of(get());
  EXPECT_EQ(error.category(), ErrorCategory::kUnauthorized);
  const std::string message = error.what();
  EXPECT_NE(message.find("AccessDenied: Access Denied by bucket policy"), std::string::npos)
      << message;
  EXPECT_NE(message.find("bucket 'bucket'"), std::string::npos) << message;
  EXPECT_EQ(request_count(), 1u);
}

TEST_F(S3ClientRetryTest, BadSignatureIsUnauthorizedNamingTheCredentialVariables) {
  script({{403, error_xml("SignatureDoesNotMatch", "The request signature we calculated"), {}}});
  const Error error = failure_of(get());
  EXPECT_EQ(error.category(), ErrorCategory::kUnauthorized);
  const std::string message = error.what();
  EXPECT_NE(message.find("The request signature we calculated"), std::string::npos) << message;
  EXPECT_NE(message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << message;
  EXPECT_EQ(request_count(), 1u);
}

TEST_F(S3ClientRetryTest, NoSuchKeyIsNotFoundWithoutRetry) {
  script({{404, error_xml("NoSuchKey", "The specified key does not exist."), {}}});
  const Error error = failure_of(get("missing/key.parquet"));
  EXPECT_EQ(error.category(), ErrorCategory::kNotFound);
  EXPECT_NE(std::string(error.what()).find("s3://bucket/missing/key.parquet"), std::string::npos)
      << error.what();
  EXPECT_EQ(request_count(), 1u);
}

TEST_F(S3ClientRetryTest, NotFoundIsAnAnswerWhenAsked) {
  script({{404, "", {}}});
  Request request = get();
  request.method = "HEAD";
  request.not_found_is_answer = true;
  EXPECT_EQ(Client(options_).send(request).status, 404);
  EXPECT_EQ(request_count(), 1u);
}

TEST_F(S3ClientRetryTest, MissingBucketIsNotFoundEvenWhenNotFoundIsAnAnswer) {
  script({{404, error_xml("NoSuchBucket", "The specified bucket does not exist"), {}}});
  Request request = get();
  request.method = "DELETE";
  request.not_found_is_answer = true;
  const Error error = failure_of(request);
  EXPECT_EQ(error.category(), ErrorCategory::kNotFound);
  EXPECT_NE(std::string(error.what()).find("bucket 'bucket' does not exist"), std::string::npos)
      << error.what();
  EXPECT_EQ(request_count(), 1u);
}

TEST_F(S3ClientRetryTest, ErrorInsideA200IsRetried) {
  script({{200, error_xml("InternalError", "We encountered an internal error."), {}},
          {200, "<CompleteMultipartUploadResult/>", {}}});
  Request request = get();
  request.method = "POST";
  request.query = {{"uploadId", "u-1"}};
  request.body = "<CompleteMultipartUpload></CompleteMultipartUpload>";
  request.error_may_come_with_200 = true;
  EXPECT_EQ(Client(options_).send(request).body, "<CompleteMultipartUploadResult/>");
  EXPECT_EQ(request_count(), 2u);
}

TEST_F(S3ClientRetryTest, PreconditionFailedIsTransientWithoutRetry) {
  // The ETag a reader pinned will not come back: retrying the ranged GET cannot help.
  script({{412, error_xml("PreconditionFailed", "At least one of the preconditions failed"), {}}});
  Request request = get();
  request.headers.push_back("If-Match: \"old\"");
  const Error error = failure_of(request);
  EXPECT_EQ(error.category(), ErrorCategory::kTransient);
  EXPECT_NE(std::string(error.what()).find("changed while it was being read"), std::string::npos)
      << error.what();
  EXPECT_EQ(request_count(), 1u);
}

TEST_F(S3ClientRetryTest, OtherClientErrorsAreInvalidInputWithoutRetry) {
  script({{400, error_xml("InvalidArgument", "Invalid argument."), {}}});
  const Error error = failure_of(get());
  EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
  EXPECT_NE(std::string(error.what()).find("InvalidArgument: Invalid argument."), std::string::npos)
      << error.what();
  EXPECT_EQ(request_count(), 1u);
}

TEST_F(S3ClientRetryTest, BackoffFollowsTheConfiguredBaseDelay) {
  // Equal jitter waits at least half of 40 ms, then half of 80 ms.
  options_.max_retries = 2;
  options_.retry_base_delay = std::chrono::milliseconds(40);
  options_.retry_max_delay = std::chrono::milliseconds(10000);
  script({{500, "", {}}});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(failure_of(get()).category(), ErrorCategory::kTransient);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(60));
  EXPECT_EQ(request_count(), 3u);
}

TEST_F(S3ClientRetryTest, BackoffIsCappedByTheMaximumDelay) {
  // Uncapped, three retries from a 2 s base would wait at least 1 + 2 + 4 s.
  options_.max_retries = 3;
  options_.retry_base_delay = std::chrono::milliseconds(2000);
  options_.retry_max_delay = std::chrono::milliseconds(20);
  script({{500, "", {}}});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(failure_of(get()).category(), ErrorCategory::kTransient);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(30));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1000));
  EXPECT_EQ(request_count(), 4u);
}

TEST_F(S3ClientRetryTest, RefusedConnectionIsRetriedThenTransient) {
  server_->stop();  // nothing listens on the port any more
  const Error error = failure_of(get());
  EXPECT_EQ(error.category(), ErrorCategory::kTransient);
  EXPECT_NE(std::string(error.what()).find("gave up after 4 attempts"), std::string::npos)
      << error.what();
  EXPECT_NE(std::string(error.what()).find("s3://bucket/data/x.bin"), std::string::npos);
}

}  // namespace
}  // namespace gogooku3::storage::s3

// The pure S3 protocol helpers: encoding, hashes, the XML reader, and what an S3 answer means.
#include "storage/object_store/s3_protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/error.h"
#include "storage/object_store/s3_client.h"

namespace gogooku3::storage::s3 {
namespace {

TEST(S3UriEncodeTest, KeepsUnreservedCharacters) {
  const std::string unreserved =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
  EXPECT_EQ(uri_encode(unreserved, true), unreserved);
  EXPECT_EQ(uri_encode(unreserved, false), unreserved);
}

TEST(S3UriEncodeTest, KeepsSlashOnlyInPaths) {
  EXPECT_EQ(uri_encode("clean/prices/date=2026-09-24/data.parquet", true),
            "clean/prices/date%3D2026-09-24/data.parquet");
  EXPECT_EQ(uri_encode("a/b", false), "a%2Fb");
}

TEST(S3UriEncodeTest, PercentEncodesEverythingElseInUpperCaseHex) {
  struct Case {
    std::string_view text;
    std::string_view encoded;
  };
  const Case cases[] = {
      {"a b", "a%20b"},
      {"=", "%3D"},
      {"+", "%2B"},
      {"&", "%26"},
      {"%", "%25"},
      {"*", "%2A"},
      {"!$'()*,:;@", "%21%24%27%28%29%2A%2C%3A%3B%40"},
      {"?#[]", "%3F%23%5B%5D"},
      {"\xc3\xa9", "%C3%A9"},                // é
      {"\xe6\x97\xa5", "%E6%97%A5"},         // 日
      {"\xf0\x9f\x98\x80", "%F0%9F%98%80"},  // 😀
      {std::string_view("\0\x7f\xff", 3), "%00%7F%FF"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(uri_encode(c.text, true), c.encoded) << c.text;
    EXPECT_EQ(uri_encode(c.text, false), c.encoded) << c.text;
  }
  EXPECT_EQ(uri_encode("", true), "");
}

TEST(S3IriEncodeTest, KeepsSubDelimitersAndNonAsciiRaw) {
  EXPECT_EQ(iri_encode("a!$'()*,:;@b", true), "a!$'()*,:;@b");
  EXPECT_EQ(iri_encode("a!$'()*,:;@b", false), "a!$'()*,:;@b");
  EXPECT_EQ(iri_encode("\xc3\xa9/\xe6\x97\xa5", true), "\xc3\xa9/\xe6\x97\xa5");
  EXPECT_EQ(iri_encode("x/y", false), "x/y");
}

TEST(S3IriEncodeTest, KeepsAmpersandPlusEqualsRawOnlyInPaths) {
  EXPECT_EQ(iri_encode("k=v&a+b", true), "k=v&a+b");
  EXPECT_EQ(iri_encode("k=v&a+b", false), "k%3Dv%26a%2Bb");
}

TEST(S3IriEncodeTest, EncodesSpacePercentAndControlBytes) {
  EXPECT_EQ(iri_encode("a b%\"<>\n", true), "a%20b%25%22%3C%3E%0A");
  EXPECT_EQ(iri_encode("a b", false), "a%20b");
}

TEST(S3ClientUrlTest, PathStyleEncodesKeyAndSortsQuery) {
  S3Options options;
  options.endpoint = "http://127.0.0.1:9010/";
  options.path_style = true;
  const Client client(options);
  Request request;
  request.bucket = "lake";
  request.key = "raw/a b+c.csv";
  request.query = {{"uploadId", "x/y=z"}, {"partNumber", "2"}};
  EXPECT_EQ(client.url_for(request),
            "http://127.0.0.1:9010/lake/raw/a%20b%2Bc.csv?partNumber=2&uploadId=x%2Fy%3Dz");
  request.key.clear();
  request.query = {{"uploads", ""}};
  EXPECT_EQ(client.url_for(request), "http://127.0.0.1:9010/lake/?uploads=");
}

TEST(S3ClientUrlTest, VirtualHostStylePutsTheBucketInTheHost) {
  S3Options options;
  options.region = "eu-west-1";
  const Client client(options);
  EXPECT_EQ(client.endpoint(), "https://s3.eu-west-1.amazonaws.com");
  Request request;
  request.bucket = "lake";
  request.key = "k";
  EXPECT_EQ(client.url_for(request), "https://lake.s3.eu-west-1.amazonaws.com/k");
}

TEST(S3ClientUrlTest, IriRequestLineKeepsSubDelimitersRaw) {
  S3Options options;
  options.endpoint = "http://localhost:5000";
  options.path_style = true;
  options.iri_request_line = true;
  const Client client(options);
  Request request;
  request.bucket = "lake";
  request.key = "a=b&c (1)/\xc3\xa9";
  request.query = {{"prefix", "a/b=c"}};
  EXPECT_EQ(client.url_for(request),
            "http://localhost:5000/lake/a=b&c%20(1)/\xc3\xa9?prefix=a/b%3Dc");
}

TEST(S3ClientUrlTest, RejectsEndpointsWithoutHttpScheme) {
  S3Options options;
  options.endpoint = "127.0.0.1:9000";
  EXPECT_THROW(Client{options}, Error);
  options.endpoint = "ftp://host";
  EXPECT_THROW(Client{options}, Error);
}

TEST(S3DigestTest, Sha256OfKnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(S3DigestTest, Md5Base64OfKnownVectors) {
  EXPECT_EQ(md5_base64(""), "1B2M2Y8AsgTpgAmY7PhCfg==");     // d41d8cd98f00b204e9800998ecf8427e
  EXPECT_EQ(md5_base64("abc"), "kAFQmDzST7DWlj99KOF/cg==");  // 900150983cd24fb0d6963f7d28e17f72
}

TEST(S3XmlTest, DecodesPredefinedEntities) {
  EXPECT_EQ(xml_decode("&amp;&lt;&gt;&quot;&apos;"), "&<>\"'");
  EXPECT_EQ(xml_decode("a&amp;lt;b"), "a&lt;b");  // decoded once, not twice
}

TEST(S3XmlTest, DecodesNumericCharacterReferencesToUtf8) {
  EXPECT_EQ(xml_decode("&#65;&#x41;&#X41;"), "AAA");
  EXPECT_EQ(xml_decode("&#13;&#xD;"), "\r\r");
  EXPECT_EQ(xml_decode("&#xE9;"), "\xc3\xa9");
  EXPECT_EQ(xml_decode("&#26085;"), "\xe6\x97\xa5");
  EXPECT_EQ(xml_decode("&#x1F600;"), "\xf0\x9f\x98\x80");
}

TEST(S3XmlTest, LeavesWhatIsNotAnEntityAlone) {
  EXPECT_EQ(xml_decode("AT&T"), "AT&T");
  EXPECT_EQ(xml_decode("&unknown;"), "&unknown;");
  EXPECT_EQ(xml_decode("&#;&#x;&#xZZ;&# 65;&#-1;&#x110000;&#xD800;"),
            "&#;&#x;&#xZZ;&# 65;&#-1;&#x110000;&#xD800;");
  // A stray '&' does not hide a real entity that follows it.
  EXPECT_EQ(xml_decode("Tom & Jerry &amp; co"), "Tom & Jerry & co");
}

TEST(S3XmlTest, EscapeRoundTrips) {
  const std::string text = "a<b>&\"c'\xc3\xa9";
  EXPECT_EQ(xml_escape(text), "a&lt;b&gt;&amp;&quot;c&apos;\xc3\xa9");
  EXPECT_EQ(xml_decode(xml_escape(text)), text);
}

TEST(S3XmlTest, FindsElementsInOrderIncludingSelfClosedOnes) {
  const std::string_view xml = "<R><K>a</K><KeyCount>2</KeyCount><K/><K>b&amp;c</K></R>";
  const auto elements = xml_elements(xml, "K");
  ASSERT_EQ(elements.size(), 3u);
  EXPECT_EQ(elements[0], "a");
  EXPECT_EQ(elements[1], "");
  EXPECT_EQ(elements[2], "b&amp;c");
  EXPECT_EQ(xml_text(xml, "K"), "a");
  EXPECT_EQ(xml_text(xml, "KeyCount"), "2");
  EXPECT_EQ(xml_text(xml, "Missing"), std::nullopt);
}

TEST(S3DateTest, ParsesIso8601AndHttpDates) {
  EXPECT_EQ(parse_iso8601_ms("1970-01-01T00:00:00.000Z"), 0);
  EXPECT_EQ(parse_iso8601_ms("2026-09-24T01:02:03.456Z"), 1790211723456);
  EXPECT_EQ(parse_iso8601_ms("2026-09-24T01:02:03Z"), 1790211723000);
  EXPECT_EQ(parse_iso8601_ms("2026-09-24 01:02:03Z"), std::nullopt);
  EXPECT_EQ(parse_http_date_ms("Thu, 24 Sep 2026 01:02:03 GMT"), 1790211723000);
  EXPECT_EQ(parse_http_date_ms("Thu, 24 Foo 2026 01:02:03 GMT"), std::nullopt);
}

constexpr std::string_view kTruncatedPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>lake</Name><Prefix>clean/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents>
    <Key>clean/a&amp;b.parquet</Key>
    <LastModified>2026-09-24T01:02:03.456Z</LastModified>
    <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>
    <Size>1234</Size>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents>
    <Key>clean/&#x65E5;.parquet</Key>
    <LastModified>1970-01-01T00:00:00.000Z</LastModified>
    <Size>0</Size>
  </Contents>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)";

TEST(S3ListObjectsV2Test, ParsesObjectsAndTheContinuationToken) {
  const ListPage page = parse_list_objects_v2(kTruncatedPage);
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].key, "clean/a&b.parquet");
  EXPECT_EQ(page.objects[0].size, 1234u);
  EXPECT_EQ(page.objects[0].modified_ms, 1790211723456);
  EXPECT_EQ(page.objects[1].key, "clean/\xe6\x97\xa5.parquet");
  EXPECT_EQ(page.objects[1].size, 0u);
  EXPECT_EQ(page.next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3ListObjectsV2Test, LastPageHasNoContinuationToken) {
  const ListPage page = parse_list_objects_v2(
      "<ListBucketResult><IsTruncated>false</IsTruncated><ContinuationToken>abc"
      "</ContinuationToken><Contents><Key>k</Key><Size>7</Size></Contents></ListBucketResult>");
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].key, "k");
  EXPECT_EQ(page.objects[0].size, 7u);
  EXPECT_EQ(page.next_continuation_token, std::nullopt);
}

TEST(S3ListObjectsV2Test, EmptyListing) {
  const ListPage page = parse_list_objects_v2(
      "<ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false"
      "</IsTruncated></ListBucketResult>");
  EXPECT_TRUE(page.objects.empty());
  EXPECT_EQ(page.next_continuation_token, std::nullopt);
}

TEST(S3ListObjectsV2Test, MalformedAnswersAreCorruption) {
  const std::string_view malformed[] = {
      "<Error><Code>InternalError</Code></Error>",
      "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
      "<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>k</Key><Size>12x</Size></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>",
  };
  for (const std::string_view xml : malformed) {
    try {
      parse_list_objects_v2(xml);
      ADD_FAILURE() << "accepted " << xml;
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::kCorruption) << xml;
    }
  }
}

TEST(S3ErrorDocumentTest, ParsesCodeAndMessage) {
  const ErrorDocument error = parse_error_document(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The "
      "key &apos;a&amp;b&apos; does not exist.</Message><Key>a&amp;b</Key>"
      "<RequestId>4442587FB7D0A2F9</RequestId></Error>");
  EXPECT_EQ(error.code, "NoSuchKey");
  EXPECT_EQ(error.message, "The key 'a&b' does not exist.");
}

TEST(S3ErrorDocumentTest, NoErrorElementMeansNoCode) {
  EXPECT_EQ(parse_error_document("").code, "");
  EXPECT_EQ(parse_error_document("<html>502 Bad Gateway</html>").code, "");
  const ErrorDocument without_message = parse_error_document("<Error><Code>X</Code></Error>");
  EXPECT_EQ(without_message.code, "X");
  EXPECT_EQ(without_message.message, "");
}

std::string error_body(std::string_view code) {
  if (code.empty()) return "";
  return "<Error><Code>" + std::string(code) + "</Code><Message>msg</Message></Error>";
}

TEST(S3ErrorCategoryTest, MapsStatusAndCodeToCategory) {
  struct Case {
    long status;
    std::string_view code;
    ErrorCategory category;
  };
  using enum ErrorCategory;
  const Case cases[] = {
      {500, "", kTransient},
      {500, "InternalError", kTransient},
      {502, "", kTransient},
      {503, "ServiceUnavailable", kTransient},
      {504, "", kTransient},
      {400, "RequestTimeout", kTransient},
      {412, "PreconditionFailed", kTransient},
      {429, "", kRateLimited},
      {503, "SlowDown", kRateLimited},
      {400, "RequestLimitExceeded", kRateLimited},
      {403, "", kUnauthorized},
      {403, "AccessDenied", kUnauthorized},
      {403, "SignatureDoesNotMatch", kUnauthorized},
      {403, "InvalidAccessKeyId", kUnauthorized},
      {400, "ExpiredToken", kUnauthorized},
      {400, "InvalidToken", kUnauthorized},
      {404, "", kNotFound},
      {404, "NoSuchKey", kNotFound},
      {404, "NoSuchBucket", kNotFound},
      {404, "NoSuchUpload", kNotFound},
      {400, "InvalidArgument", kInvalidInput},
      {400, "EntityTooSmall", kInvalidInput},
      {409, "BucketNotEmpty", kInvalidInput},
      {416, "InvalidRange", kInvalidInput},
      {301, "PermanentRedirect", kInvalidInput},
  };
  for (const Case& c : cases) {
    const Error error = error_for_status(c.status, error_body(c.code), "GET", "s3://lake/k", "lake",
                                         "http://127.0.0.1:9010");
    EXPECT_EQ(category_name(error.category()), category_name(c.category))
        << c.status << " " << c.code << ": " << error.what();
  }
}

TEST(S3ErrorCategoryTest, MessagesNameTheThingAndWhatToDo) {
  const auto message = [](long status, std::string_view code) {
    return std::string(error_for_status(status, error_body(code), "PUT", "s3://lake/k", "lake",
                                        "http://127.0.0.1:9010")
                           .what());
  };
  EXPECT_NE(message(403, "SignatureDoesNotMatch").find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(message(403, "AccessDenied").find("bucket 'lake'"), std::string::npos);
  EXPECT_NE(message(404, "NoSuchBucket").find("S3 bucket 'lake' does not exist"),
            std::string::npos);
  EXPECT_NE(message(404, "NoSuchKey").find("s3://lake/k: no such object"), std::string::npos);
  EXPECT_NE(message(500, "").find("HTTP 500"), std::string::npos);
  EXPECT_NE(message(500, "InternalError").find("HTTP 500 InternalError: msg"), std::string::npos);
  EXPECT_NE(message(500, "").find("http://127.0.0.1:9010"), std::string::npos);
}

}  // namespace
}  // namespace gogooku3::storage::s3

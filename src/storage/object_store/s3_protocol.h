// The pure parts of the S3 REST protocol, kept apart from the HTTP client so that they can be
// tested without a server: key and query encoding (SigV4 rules), payload hashes, and the few
// XML documents gogooku3 reads (ListObjectsV2 results, errors, multipart initiation).
//
// The XML reader is deliberately minimal: S3 responses are flat, machine-written documents
// without CDATA, comments or attributes we need, so finding <Tag>...</Tag> and decoding the
// five predefined entities plus numeric character references is all that is required.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/object_store/object_store.h"

namespace gogooku3::storage::s3 {

// Percent-encodes everything but A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash), uppercase hex:
// the encoding SigV4 canonicalises, so the bytes sent and the bytes signed agree.
std::string uri_encode(std::string_view text, bool keep_slash);
// The request line as IRI-normalising servers (moto/werkzeug) see it: like uri_encode, but
// non-ASCII bytes stay raw, and so do "!$'()*,:;@" (plus "&+=" in a path, '/' in a query).
std::string iri_encode(std::string_view text, bool in_path);

std::string sha256_hex(std::string_view bytes);
std::string md5_base64(std::string_view bytes);

// The text of the first <tag>...</tag> at or after `from` (entities decoded); nullopt if absent.
std::optional<std::string> xml_text(std::string_view xml, std::string_view tag);
// The raw inner XML of every <tag>...</tag> element, in document order.
std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag);
std::string xml_decode(std::string_view text);
std::string xml_escape(std::string_view text);

// "2026-09-24T01:02:03.000Z" -> milliseconds since the epoch; nullopt when malformed.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);
// "Thu, 24 Sep 2026 01:02:03 GMT" (HTTP Last-Modified) -> milliseconds; nullopt when malformed.
std::optional<std::int64_t> parse_http_date_ms(std::string_view text);

struct ListPage {
  std::vector<ObjectInfo> objects;  // keys as S3 returned them (with the store's prefix)
  std::optional<std::string> next_continuation_token;  // set while IsTruncated
};
ListPage parse_list_objects_v2(std::string_view xml);

struct ErrorDocument {
  std::string code;  // "NoSuchKey", "SignatureDoesNotMatch", ...; empty if there was no body
  std::string message;
};
ErrorDocument parse_error_document(std::string_view xml);

}  // namespace gogooku3::storage::s3

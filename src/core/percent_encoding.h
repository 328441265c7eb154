// Percent-encoding (RFC 3986) for URLs that gogooku3 builds: S3 object keys and query strings,
// J-Quants query parameters.
//
// Every byte except the unreserved characters A-Z a-z 0-9 - _ . ~ becomes %XY with upper-case
// hex — the form AWS SigV4 requires for its canonical request, and one every server accepts.
// UTF-8 text is encoded byte by byte. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace gogooku3 {

bool is_unreserved_url_byte(unsigned char c);
// Appends "%2F" for '/'.
void append_percent_escape(std::string& out, unsigned char c);
// `keep_slash`: leave '/' as it is (object keys in a path), else encode it too.
std::string percent_encode(std::string_view text, bool keep_slash = false);

}  // namespace gogooku3

#include "storage/object_store/s3_protocol.h"

#include <openssl/evp.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>

#include "core/error.h"
#include "core/percent_encoding.h"

namespace gogooku3::storage::s3 {
namespace {

std::string digest(const EVP_MD* algorithm, std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &length, algorithm, nullptr) != 1) {
    throw internal_error("OpenSSL digest failed");
  }
  return std::string(reinterpret_cast<const char*>(out.data()), length);
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

std::optional<int> parse_int(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::int64_t epoch_ms(int year, int month, int day, int hour, int minute, int second, int ms) {
  using namespace std::chrono;
  const sys_days days{year_month_day{std::chrono::year{year},
                                     std::chrono::month{static_cast<unsigned>(month)},
                                     std::chrono::day{static_cast<unsigned>(day)}}};
  return (duration_cast<milliseconds>(days.time_since_epoch()) + hours{hour} + minutes{minute} +
          seconds{second} + milliseconds{ms})
      .count();
}

// "#65" or "#x41" -> 65; nullopt unless all digits and a Unicode scalar value.
std::optional<std::uint32_t> character_reference(std::string_view entity) {
  if (entity.size() < 2 || entity[0] != '#') return std::nullopt;
  const bool hex = entity[1] == 'x' || entity[1] == 'X';
  const std::string_view digits = entity.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return std::nullopt;
  std::uint32_t value = 0;
  for (const char c : digits) {
    int digit = -1;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (hex && c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (hex && c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    }
    if (digit < 0) return std::nullopt;
    value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
  }
  if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return std::nullopt;
  return value;
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  return percent_encode(text, keep_slash);
}

std::string iri_encode(std::string_view text, bool in_path) {
  static constexpr std::string_view kRawAnywhere = "/!$'()*,:;@";
  static constexpr std::string_view kRawInPath = "&+=";
  std::string out;
  out.reserve(text.size());
  for (const char signed_c : text) {
    const auto c = static_cast<unsigned char>(signed_c);
    if (is_unreserved_url_byte(c) || c >= 0x80 ||
        kRawAnywhere.find(signed_c) != std::string_view::npos ||
        (in_path && kRawInPath.find(signed_c) != std::string_view::npos)) {
      out += static_cast<char>(c);
    } else {
      append_percent_escape(out, c);
    }
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string raw = digest(EVP_sha256(), bytes);
  std::string out;
  out.reserve(raw.size() * 2);
  for (const char signed_c : raw) {
    const auto c = static_cast<unsigned char>(signed_c);
    out += kHex[c >> 4];
    out += kHex[c & 0x0F];
  }
  return out;
}

std::string md5_base64(std::string_view bytes) {
  const std::string raw = digest(EVP_md5(), bytes);
  std::array<unsigned char, 64> out{};
  const int length = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(raw.data()),
                                     static_cast<int>(raw.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(length));
}

std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const std::string empty = "<" + std::string(tag) + "/>";
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (true) {
    const std::size_t start = xml.find(open, at);
    const std::size_t self_closed = xml.find(empty, at);
    if (self_closed != std::string_view::npos && self_closed < start) {
      out.push_back(std::string_view());
      at = self_closed + empty.size();
      continue;
    }
    if (start == std::string_view::npos) break;
    const std::size_t end = xml.find(close, start + open.size());
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(start + open.size(), end - start - open.size()));
    at = end + close.size();
  }
  return out;
}

std::optional<std::string> xml_text(std::string_view xml, std::string_view tag) {
  const std::vector<std::string_view> found = xml_elements(xml, tag);
  if (found.empty()) return std::nullopt;
  return xml_decode(found.front());
}

std::string xml_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const std::size_t semicolon = text.find(';', i);
    if (semicolon == std::string_view::npos) {
      out += text[i];
      continue;
    }
    const std::string_view entity = text.substr(i + 1, semicolon - i - 1);
    bool decoded = true;
    if (entity == "amp") {
      out += '&';
    } else if (entity == "lt") {
      out += '<';
    } else if (entity == "gt") {
      out += '>';
    } else if (entity == "quot") {
      out += '"';
    } else if (entity == "apos") {
      out += '\'';
    } else if (const std::optional<std::uint32_t> code_point = character_reference(entity)) {
      append_utf8(out, *code_point);
    } else {
      decoded = false;
    }
    // Not an entity: keep the '&' and read on right after it, so that a stray '&' does not
    // swallow a real entity further on ("a & b &amp; c").
    if (decoded) {
      i = semicolon;
    } else {
      out += '&';
    }
  }
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::optional<std::int64_t> parse_iso8601_ms(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  const auto year = parse_int(text.substr(0, 4));
  const auto month = parse_int(text.substr(5, 2));
  const auto day = parse_int(text.substr(8, 2));
  const auto hour = parse_int(text.substr(11, 2));
  const auto minute = parse_int(text.substr(14, 2));
  const auto second = parse_int(text.substr(17, 2));
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  int ms = 0;
  if (text.size() > 20 && text[19] == '.') {
    std::size_t i = 20;
    int scale = 100;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      ms += (text[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
  }
  return epoch_ms(*year, *month, *day, *hour, *minute, *second, ms);
}

std::optional<std::int64_t> parse_http_date_ms(std::string_view text) {
  // "Thu, 24 Sep 2026 01:02:03 GMT"
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() < 29 || text[3] != ',') return std::nullopt;
  const auto day = parse_int(text.substr(5, 2));
  int month = 0;
  for (std::size_t m = 0; m < kMonths.size(); ++m) {
    if (text.substr(8, 3) == kMonths[m]) month = static_cast<int>(m) + 1;
  }
  const auto year = parse_int(text.substr(12, 4));
  const auto hour = parse_int(text.substr(17, 2));
  const auto minute = parse_int(text.substr(20, 2));
  const auto second = parse_int(text.substr(23, 2));
  if (!day || month == 0 || !year || !hour || !minute || !second) return std::nullopt;
  return epoch_ms(*year, month, *day, *hour, *minute, *second, 0);
}

ListPage parse_list_objects_v2(std::string_view xml) {
  if (xml.find("<ListBucketResult") == std::string_view::npos) {
    throw corruption("S3 ListObjectsV2 answer is not a ListBucketResult: {}", xml.substr(0, 200));
  }
  ListPage page;
  for (const std::string_view contents : xml_elements(xml, "Contents")) {
    ObjectInfo info;
    const std::optional<std::string> key = xml_text(contents, "Key");
    if (!key) throw corruption("S3 ListObjectsV2 answer has an entry without a Key");
    info.key = *key;
    if (const auto size = xml_text(contents, "Size")) {
      const auto [end, status] =
          std::from_chars(size->data(), size->data() + size->size(), info.size);
      if (status != std::errc() || end != size->data() + size->size()) {
        throw corruption("S3 ListObjectsV2 answer has Size '{}' for key '{}'", *size, info.key);
      }
    }
    if (const auto modified = xml_text(contents, "LastModified")) {
      info.modified_ms = parse_iso8601_ms(*modified).value_or(0);
    }
    page.objects.push_back(std::move(info));
  }
  // Only the document's own IsTruncated counts: it precedes or follows the Contents list.
  const std::optional<std::string> truncated = xml_text(xml, "IsTruncated");
  if (truncated && *truncated == "true") {
    page.next_continuation_token = xml_text(xml, "NextContinuationToken");
    if (!page.next_continuation_token || page.next_continuation_token->empty()) {
      throw corruption("S3 ListObjectsV2 answer is truncated but has no NextContinuationToken");
    }
  }
  return page;
}

ErrorDocument parse_error_document(std::string_view xml) {
  ErrorDocument error;
  const std::vector<std::string_view> body = xml_elements(xml, "Error");
  if (body.empty()) return error;
  error.code = xml_text(body.front(), "Code").value_or("");
  error.message = xml_text(body.front(), "Message").value_or("");
  return error;
}

}  // namespace gogooku3::storage::s3

#include "core/percent_encoding.h"

namespace gogooku3 {

bool is_unreserved_url_byte(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

void append_percent_escape(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 0x0F];
}

std::string percent_encode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (const char signed_c : text) {
    const auto c = static_cast<unsigned char>(signed_c);
    if (is_unreserved_url_byte(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      append_percent_escape(out, c);
    }
  }
  return out;
}

}  // namespace gogooku3

#include "fake_jquants/pagination_key.h"

#include <fmt/format.h>

#include <charconv>

#include "core/error.h"

namespace gogooku3::fake_jquants {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

void mix(uint64_t& hash, std::string_view bytes) {
  for (unsigned char byte : bytes) {
    hash ^= byte;
    hash *= kFnvPrime;
  }
  // A separator that no parameter text contains, so ("ab","c") and ("a","bc") differ.
  hash ^= 0xFFU;
  hash *= kFnvPrime;
}

// One hex field of a key followed by its '.'; advances `rest` past both.
bool read_hex_field(std::string_view& rest, uint64_t& value) {
  const size_t dot = rest.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot > 16) return false;
  const char* end = rest.data() + dot;
  auto [stop, error] = std::from_chars(rest.data(), end, value, 16);
  if (error != std::errc() || stop != end) return false;
  rest.remove_prefix(dot + 1);
  return true;
}

}  // namespace

uint64_t query_hash(std::string_view path, const QueryParams& params, uint64_t generation) {
  uint64_t hash = kFnvOffset;
  mix(hash, path);
  for (const auto& [name, value] : params) {
    if (name == kPaginationKeyParam) continue;
    mix(hash, name);
    mix(hash, value);
  }
  mix(hash, std::to_string(generation));
  return hash;
}

std::string make_pagination_key(size_t offset, uint64_t query_hash) {
  return fmt::format("{:x}.{:016x}.", offset, query_hash);
}

size_t read_pagination_key(std::string_view key, uint64_t query_hash, size_t matched_rows,
                           size_t page_size) {
  std::string_view rest = key;
  uint64_t offset = 0;
  uint64_t hash = 0;
  const bool well_formed =
      read_hex_field(rest, offset) && read_hex_field(rest, hash) && rest.empty();
  if (!well_formed || hash != query_hash || offset == 0 || offset >= matched_rows ||
      page_size == 0 || offset % page_size != 0) {
    throw invalid_input(
        "The pagination_key '{}' is invalid: use the key of the previous page of the same "
        "query, with the same parameters",
        key);
  }
  return static_cast<size_t>(offset);
}

}  // namespace gogooku3::fake_jquants

// Pagination keys of the fake J-Quants server: "<offset>.<query>." with both parts in hex,
// shaped like the API's "value1.value2." keys.
//
// The offset is the first matching row of the page the key asks for; the query part is a hash
// of the endpoint path, every request parameter except pagination_key, and the generation of
// the records served. So a key differs on every page, is only good for the identical query it
// came from, and stops working when the records are replaced (the real API's keys are opaque
// and tied to their query the same way).
//
// Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace gogooku3::fake_jquants {

// Query parameters as the HTTP layer parsed them (the same type as httplib::Params).
using QueryParams = std::multimap<std::string, std::string>;

inline constexpr std::string_view kPaginationKeyParam = "pagination_key";

// FNV-1a over the path, the parameters (sorted by name, as the multimap holds them) other than
// pagination_key, and `generation`.
uint64_t query_hash(std::string_view path, const QueryParams& params, uint64_t generation);

std::string make_pagination_key(size_t offset, uint64_t query_hash);

// The offset a non-empty key points to (an empty pagination_key asks for the first page).
// InvalidInput (the 400 message) when the key is malformed, was made for another query, or points
// at no page of `matched_rows` rows paged by `page_size`.
size_t read_pagination_key(std::string_view key, uint64_t query_hash, size_t matched_rows,
                           size_t page_size);

}  // namespace gogooku3::fake_jquants

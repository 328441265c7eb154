// Reading and writing J-Quants v2 response pages: {"data": [...], "pagination_key": "..."}.
//
// parse_page() turns one page into a Table with the endpoint's columns (endpoints.h), in the
// endpoint's field order, rows in page order, nulls kept as nulls. Unknown keys are skipped.
// A value of the wrong JSON type, an unparsable date or number text, a missing key that is not
// `may_be_absent`, or a body that is not a JSON object with a "data" array is an InvalidInput
// error naming the endpoint, the field (JSON and column name), the row index and the value.
// Malformed JSON is also InvalidInput, naming the endpoint and the byte offset.
//
// write_page() is the inverse, used by the fake server and the sample market: the rows
// [begin, end) of a table with the endpoint's columns, as the API would send them (numbers as
// JSON numbers written with the shortest round-trip form, e.g. 2047.0 -> 2047.0; "0"/"1" text
// for kCodeDigit; "" for a null kNumericText or kDate value of fins; null otherwise), keys in
// the endpoint's field order. Round trip: parse_page(write_page(t)) equals t. Numbers are
// spelled as Python (the API's language) spells them: positional from 1e-4 up to 1e16, with
// ".0" on integral values; scientific outside (1e+16, 1e-05). fins number text has no ".0".
// An infinite value, a negative kCodeDigit or a column of the wrong type is InvalidInput.
//
// parse_page() runs nlohmann's SAX parser and appends values straight into typed columns (no
// JSON tree), so it costs about what nlohmann's lexing of the page costs.
//
// Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/table.h"
#include "market/jquants/endpoints.h"

namespace gogooku3::market::jquants {

struct Page {
  Table rows;
  // The key to ask for the next page with; nullopt when the key is absent or empty (last page).
  std::optional<std::string> pagination_key;
};

Page parse_page(const EndpointSpec& endpoint, std::string_view body);
// The same, but a body that is not well-formed JSON throws `malformed_json` instead of
// InvalidInput: the client passes kTransient, because a body cut short in transit is worth
// asking for again while a well-formed page of the wrong shape is not.
Page parse_page(const EndpointSpec& endpoint, std::string_view body, ErrorCategory malformed_json);

// An empty table with the endpoint's columns.
Table empty_table(const EndpointSpec& endpoint);

std::string write_page(const EndpointSpec& endpoint, const Table& table, size_t begin, size_t end,
                       const std::optional<std::string>& pagination_key);

// {"message": "..."}: the body of every J-Quants error answer.
std::string write_message(std::string_view message);
// The "message" of an error body; the body itself (shortened to 300 bytes) when it has none.
std::string read_message(std::string_view body);

}  // namespace gogooku3::market::jquants

// How the fake J-Quants server picks the rows a query asks for.
//
// RecordQuery is a request's parameters read the way the API reads them:
//   code      5 characters ("86970", "130A0"); 4 characters mean the common stock code+"0".
//   date      YYYYMMDD or YYYY-MM-DD, equal to the endpoint's date field (endpoints.h).
//   from, to  the same field, inclusive bounds.
//   section   investor_types' Section; s33: short_ratio's S33; hol_div: calendar's HolDiv.
// A parameter an endpoint does not take is ignored, like unknown parameters are. Bad values
// are InvalidInput whose message is the 400 answer: a date that does not parse, a code of the
// wrong length, a missing required parameter (bars_daily and equities_master want code or
// date), or a date outside the subscription window, which says exactly what the API says.
//
// EndpointRecords holds one endpoint's table as loaded, with a code index and, when the date
// field is non-decreasing (the loader stores rows by date then code), binary search on dates,
// so a query costs its matches rather than the table. Matches come back in stored order.
// Outside the subscription window rows are never served (the calendar excepted: the real
// calendar is published beyond any plan's window, through the end of next year).
//
// Thread-safe: both are immutable once built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "core/table.h"
#include "fake_jquants/pagination_key.h"
#include "market/jquants/endpoints.h"

namespace gogooku3::fake_jquants {

struct SubscriptionWindow {
  Date from;
  Date to;
};

struct RecordQuery {
  std::optional<std::string> code;  // always 5 characters
  std::optional<Date> date;
  std::optional<Date> from;
  std::optional<Date> to;
  std::optional<std::string> section;
  std::optional<std::string> sector33_code;
  std::optional<int32_t> holiday_division;
  // Rows whose date field lies outside are not served; nullopt for the calendar.
  std::optional<SubscriptionWindow> window;
};

// The 400 body text of a query outside the window.
std::string window_message(const SubscriptionWindow& window);

// Throws InvalidInput (the 400 message) as described above.
RecordQuery parse_record_query(const market::jquants::EndpointSpec& endpoint,
                               const QueryParams& params, const SubscriptionWindow& window);

class EndpointRecords {
 public:
  // InvalidInput when `records` lacks one of the endpoint's columns or has it with another
  // type; a missing may_be_absent column becomes a column of nulls. The columns are kept in
  // the endpoint's order; extra columns are dropped.
  EndpointRecords(const market::jquants::EndpointSpec& endpoint, const Table& records,
                  uint64_t generation);
  EndpointRecords(const EndpointRecords&) = delete;  // holds a pointer into its own table
  EndpointRecords& operator=(const EndpointRecords&) = delete;

  const market::jquants::EndpointSpec& endpoint() const { return *endpoint_; }
  const Table& table() const { return table_; }
  // Changes whenever set_records() replaces an endpoint's records: part of pagination keys.
  uint64_t generation() const { return generation_; }

  // The rows `query` matches, in stored order.
  std::vector<size_t> select(const RecordQuery& query) const;

 private:
  bool matches(size_t row, const RecordQuery& query) const;

  const market::jquants::EndpointSpec* endpoint_;
  Table table_;
  uint64_t generation_;
  const Column* date_column_ = nullptr;  // the endpoint's date field, if present
  bool dates_ascending_ = false;         // every date valid and non-decreasing
  std::unordered_map<std::string, std::vector<size_t>> rows_by_code_;  // when there is "code"
};

}  // namespace gogooku3::fake_jquants

#include "features/feature_inputs.h"

#include "core/error.h"

namespace gogooku3::features {

namespace {

const std::vector<std::string> kPriceColumns = {
    "date",      "code",       "adj_open",       "adj_high",    "adj_low",
    "adj_close", "adj_volume", "turnover_value", "upper_limit", "lower_limit"};

}  // namespace

Table join_master(Table prices, const Table& master) {
  const size_t n = prices.num_rows();
  std::vector<std::string> sector(n), market(n);
  if (master.num_rows() > 0) {
    const Table sorted =
        master.select({"code", "date", "sector33_code", "market_code"}).sort_by_code_date();
    const auto& master_dates = sorted.column(kDateColumn).as<Date>();
    const auto& master_sector = sorted.column("sector33_code").as<std::string>();
    const auto& master_market = sorted.column("market_code").as<std::string>();
    const auto& dates = prices.column(kDateColumn).as<Date>();
    for (const CodeRange& code : prices.code_ranges()) {
      const RowRange records = sorted.rows_of(code.code);
      size_t next = records.begin;  // first master record after the current row's date
      for (size_t row = code.rows.begin; row < code.rows.end; ++row) {
        while (next < records.end && master_dates[next] <= dates[row]) ++next;
        if (next == records.begin) continue;
        sector[row] = master_sector[next - 1];
        market[row] = master_market[next - 1];
      }
    }
  }
  prices.add_column(Column::of<std::string>("sector33_code", std::move(sector)));
  prices.add_column(Column::of<std::string>("market_code", std::move(market)));
  return prices;
}

Date margin_available_date(const TradingCalendar& calendar, Date record_date) {
  const Date published = calendar.add_business_days(record_date, 2);
  return calendar.add_business_days(published, 1);
}

FeatureInputs load_feature_inputs(const storage::Lake& lake, const TradingCalendar& calendar,
                                  Date from, Date to, int window_business_days) {
  const Date first_business =
      calendar.is_business_day(from) ? from : calendar.next_business_day(from);
  const Date start = calendar.add_business_days(first_business, -window_business_days);
  FeatureInputs inputs;
  inputs.prices = lake.read_range("clean/prices", start, to, kPriceColumns);
  bool has_target = false;
  if (inputs.prices.num_rows() > 0) {
    inputs.prices = std::move(inputs.prices).sort_by_code_date();
    for (const Date d : inputs.prices.column(kDateColumn).as<Date>()) {
      has_target = has_target || (d >= from && d <= to);
    }
  }
  if (!has_target) {
    throw not_found(
        "features: clean/prices has no rows between {} and {}; ingest those days "
        "first (gogooku3 ingest --from {} --to {})",
        from.to_string(), to.to_string(), from.to_string(), to.to_string());
  }
  const Table master = lake.read_range("raw/equities_master", start, to,
                                       {"code", "date", "sector33_code", "market_code"});
  inputs.prices = join_master(std::move(inputs.prices), master);
  inputs.topix = lake.read_range("raw/topix", start, to, {"date", "open", "high", "low", "close"});
  inputs.investor_types =
      lake.read_range("raw/investor_types", start, to,
                      {"published_date", "end_date", "section", "foreigners_balance",
                       "individuals_balance", "total_total"});
  inputs.margin_interest = lake.read_range("raw/margin_interest", start, to,
                                           {"date", "code", "long_volume", "short_volume"});
  if (inputs.margin_interest.num_rows() > 0) {
    const auto& recorded = inputs.margin_interest.column(kDateColumn).as<Date>();
    std::vector<Date> available(recorded.size());
    for (size_t i = 0; i < recorded.size(); ++i) {
      available[i] = margin_available_date(calendar, recorded[i]);
    }
    inputs.margin_interest.add_column(Column::of<Date>("available_date", std::move(available)));
  }
  return inputs;
}

}  // namespace gogooku3::features

#include "market/ingest/market_source.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.h"

namespace gogooku3::market {

jquants::Query day_query(const jquants::EndpointSpec& endpoint, Date day) {
  const std::string text = day.to_string();
  if (endpoint.asset == "investor_types" || endpoint.asset == "topix" ||
      endpoint.asset == "calendar") {
    return {{{"from", text}, {"to", text}}};
  }
  return {{{"date", text}}};
}

JQuantsSource::JQuantsSource(jquants::ClientOptions options) : client_(std::move(options)) {}

std::vector<Table> JQuantsSource::fetch_days(const jquants::EndpointSpec& endpoint,
                                             const std::vector<Date>& days) {
  const std::lock_guard lock(mutex_);
  std::vector<jquants::Query> queries;
  queries.reserve(days.size());
  for (const Date day : days) queries.push_back(day_query(endpoint, day));
  return client_.fetch_all(endpoint, queries);
}

SampleSource::SampleSource(sample::SampleOptions options, const TradingCalendar& calendar,
                           Date as_of)
    : options_(options), calendar_(calendar), as_of_(as_of), market_(options, calendar_, as_of) {}

const sample::SampleDay& SampleSource::simulate(Date day) {
  if (const auto it = days_.find(day); it != days_.end()) return it->second;
  if (simulated_through_ && day <= *simulated_through_) {
    spdlog::info("sample source: {} was asked after {}; simulating again from {}", day.to_string(),
                 simulated_through_->to_string(), options_.start_date.to_string());
    market_ = sample::SampleMarket(options_, calendar_, as_of_);
  }
  simulated_through_ = day;
  return days_.emplace(day, market_.day(day)).first->second;
}

std::vector<Table> SampleSource::fetch_days(const jquants::EndpointSpec& endpoint,
                                            const std::vector<Date>& days) {
  const std::lock_guard lock(mutex_);
  // Callers ask every endpoint for one batch of days before the next batch.
  if (!days.empty()) days_.erase(days_.begin(), days_.lower_bound(days.front()));
  std::vector<Table> tables;
  tables.reserve(days.size());
  for (const Date day : days) {
    const sample::SampleDay& simulated = simulate(day);
    if (endpoint.asset == "bars_daily") {
      tables.push_back(simulated.bars);
    } else if (endpoint.asset == "equities_master") {
      tables.push_back(simulated.master);
    } else if (endpoint.asset == "topix") {
      tables.push_back(simulated.topix);
    } else if (endpoint.asset == "investor_types") {
      tables.push_back(simulated.investor_types);
    } else {
      throw not_found(
          "the sample market does not simulate {}; it serves equities_master, bars_daily, topix "
          "and investor_types (use --source jquants for the others)",
          endpoint.asset);
    }
  }
  return tables;
}

sample::SampleOptions sample_options_from_config(const Config& config) {
  sample::SampleOptions options;
  options.seed = static_cast<uint64_t>(config.get_integer("sample.seed"));
  options.stocks = static_cast<int>(config.get_integer("sample.stocks"));
  options.start_date = Date::parse(config.get_string("sample.start_date"));
  return options;
}

}  // namespace gogooku3::market

#include "ml/train/evaluation.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace gogooku3::ml {

std::string horizon_key(int horizon) { return std::to_string(horizon) + "d"; }

std::vector<metrics::HorizonMetrics> evaluate(std::span<const DayPredictions> days,
                                              std::span<const int> horizons) {
  std::vector<metrics::HorizonMetrics> result;
  for (size_t h = 0; h < horizons.size(); ++h) {
    std::vector<metrics::DayCrossSection> sections;
    sections.reserve(days.size());
    for (const DayPredictions& day : days) {
      if (day.prediction.size() != horizons.size() || day.target.size() != horizons.size()) {
        throw internal_error("predictions of {} have {} horizons, expected {}",
                             day.date.to_string(), day.prediction.size(), horizons.size());
      }
      sections.push_back(
          {.codes = day.codes, .prediction = day.prediction[h], .target = day.target[h]});
    }
    result.push_back(metrics::summarize_horizon(sections, horizons[h]));
  }
  return result;
}

nlohmann::json metrics_json(const std::vector<metrics::HorizonMetrics>& per_horizon,
                            std::span<const int> horizons) {
  nlohmann::json json = nlohmann::json::object();
  for (size_t h = 0; h < horizons.size() && h < per_horizon.size(); ++h) {
    json[horizon_key(horizons[h])] = metrics::to_json(per_horizon[h]);
  }
  return json;
}

namespace {

nlohmann::json numbers(const std::vector<double>& values) {
  nlohmann::json array = nlohmann::json::array();
  for (double v : values) {
    if (std::isfinite(v)) {
      array.push_back(v);
    } else {
      array.push_back(nullptr);
    }
  }
  return array;
}

std::vector<double> numbers_from(const nlohmann::json& array) {
  std::vector<double> values;
  values.reserve(array.size());
  for (const auto& v : array) {
    values.push_back(v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>());
  }
  return values;
}

}  // namespace

nlohmann::json to_json(const DayPredictions& day) {
  nlohmann::json prediction = nlohmann::json::array();
  nlohmann::json target = nlohmann::json::array();
  for (const auto& p : day.prediction) prediction.push_back(numbers(p));
  for (const auto& t : day.target) target.push_back(numbers(t));
  return {{"date", day.date.to_string()},
          {"codes", day.codes},
          {"prediction", prediction},
          {"target", target}};
}

DayPredictions day_predictions_from_json(const nlohmann::json& json) {
  DayPredictions day;
  day.date = Date::parse(json.at("date").get<std::string>());
  day.codes = json.at("codes").get<std::vector<std::string>>();
  for (const auto& p : json.at("prediction")) day.prediction.push_back(numbers_from(p));
  for (const auto& t : json.at("target")) day.target.push_back(numbers_from(t));
  return day;
}

}  // namespace gogooku3::ml

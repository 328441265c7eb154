// Puts columns into the exact shape of a J-Quants endpoint's records.
//
// The sample market fills its columns under the API's JSON names ("AdjC", "FrgnBal");
// assemble_records() orders them as the endpoint's field table does, names them with our column
// names and checks each type, so a change to market/jquants/endpoints.cpp either flows through
// or fails loudly (InternalError naming the field), never silently misaligns.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/table.h"
#include "market/jquants/endpoints.h"

namespace gogooku3::market::sample {

// (JSON name, values) pairs; the Column's own name is ignored.
using NamedColumns = std::vector<std::pair<std::string_view, Column>>;

inline Table assemble_records(std::string_view asset, NamedColumns columns) {
  const jquants::EndpointSpec& spec = jquants::endpoint(asset);
  if (columns.size() != spec.fields.size()) {
    throw internal_error("sample market: {} has {} fields, the simulator made {} columns", asset,
                         spec.fields.size(), columns.size());
  }
  std::vector<Column> ordered;
  ordered.reserve(spec.fields.size());
  for (const jquants::FieldSpec& field : spec.fields) {
    auto found = columns.begin();
    while (found != columns.end() && found->first != field.json_name) ++found;
    if (found == columns.end()) {
      throw internal_error("sample market: no column for {} field {}", asset, field.json_name);
    }
    if (found->second.type() != field.type) {
      throw internal_error("sample market: {} field {} is {}, the simulator made {}", asset,
                           field.json_name, column_type_name(field.type),
                           column_type_name(found->second.type()));
    }
    found->second.set_name(std::string(field.column));
    ordered.push_back(std::move(found->second));
  }
  return Table(std::move(ordered));
}

}  // namespace gogooku3::market::sample

#include "server/rest/match_rates.h"

namespace vigil::server {

bool ConditionalMatchRates::WorthSearching(std::string_view type) const {
  std::lock_guard lock(mu_);
  auto it = rates_.find(type);
  return it == rates_.end() || it->second * 8 >= kAlways;
}

void ConditionalMatchRates::Record(std::string_view type, bool matched) {
  std::lock_guard lock(mu_);
  auto it = rates_.find(type);
  if (it == rates_.end()) it = rates_.emplace(std::string(type), kAlways).first;
  int& rate = it->second;
  rate += ((matched ? kAlways : 0) - rate) / 8;
}

}  // namespace vigil::server

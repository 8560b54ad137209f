// Reading the live store for views: the current, non-deleted resources of one
// type, optionally only those in the Patient compartments of some patients
// (the same compartment definition as `Observation?patient=` and
// Patient/$everything, search/compartments.h), optionally only those updated
// since a time.
//
//   ResourceFilter filter;
//   filter.patients = std::vector<std::string>{"p1"};
//   VIGIL_RETURN_IF_ERROR(ForEachStoredResource(store, "Observation", filter,
//       [&](const store::StoredResource& r) -> absl::StatusOr<bool> {
//         ...; return true;  // false stops the scan
//       }));
//
// Resources are read a page at a time (kScanPage), in id order, so memory does
// not grow with the store. A page is a consistent read; pages are not one
// snapshot (a write between pages may or may not be seen).
//
// Thread-safety: as the store's reads (any thread). Errors: the store's, the
// callback's (returned unchanged), and 400 (HttpError) when a patient filter is
// asked for a type outside the Patient compartment.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/query.h"
#include "store/store.h"

namespace vigil::analytics {

inline constexpr size_t kScanPage = 500;

struct ResourceFilter {
  // Patient ids. nullopt: every resource; an empty list: none.
  std::optional<std::vector<std::string>> patients;
  std::optional<int64_t> since;  // only resources with last_updated >= since (ms)
};

// Called per resource; returns whether to go on.
using StoredResourceFn = std::function<absl::StatusOr<bool>(const store::StoredResource&)>;

absl::Status ForEachStoredResource(store::Store& store, std::string_view type,
                                   const ResourceFilter& filter, const StoredResourceFn& fn);

// The search clause that keeps resources of type in the compartments of
// patients (Patient itself: by _id). 400 for a type outside the compartment.
// REQUIRES: !patients.empty().
absl::StatusOr<store::Clause> PatientCompartmentClause(std::string_view type,
                                                       const std::vector<std::string>& patients);

}  // namespace vigil::analytics

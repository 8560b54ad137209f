// Status helpers used at every module boundary.
//
// Vigil returns absl::Status / absl::StatusOr<T> from functions that can fail.
// Two macros keep call sites short:
//
//   VIGIL_RETURN_IF_ERROR(store.Put(r));
//   VIGIL_ASSIGN_OR_RETURN(auto json, fhir::ParseJson(text));
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define VIGIL_STATUS_CONCAT_INNER_(a, b) a##b
#define VIGIL_STATUS_CONCAT_(a, b) VIGIL_STATUS_CONCAT_INNER_(a, b)

#define VIGIL_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::absl::Status vigil_status_ = (expr);         \
    if (!vigil_status_.ok()) return vigil_status_; \
  } while (0)

#define VIGIL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(*tmp)

#define VIGIL_ASSIGN_OR_RETURN(lhs, expr) \
  VIGIL_ASSIGN_OR_RETURN_IMPL_(VIGIL_STATUS_CONCAT_(vigil_statusor_, __LINE__), lhs, expr)

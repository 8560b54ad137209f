// String helpers that work with std::string_view.
//
// Debian's Abseil is built with its own absl::string_view (not an alias of
// std::string_view), so absl::StrCat rejects std::string_view arguments and
// Status::message() does not convert to std::string_view. Vigil code uses these
// instead:
//
//   std::string s = vigil::StrCat("line ", 3, ": ", name);   // any fmt-printable args
//   std::string_view m = vigil::Message(status);
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace vigil {

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (fmt::format_to(std::back_inserter(out), "{}", args), ...);
  return out;
}

inline std::string_view Message(const absl::Status& status) {
  return std::string_view(status.message().data(), status.message().size());
}

}  // namespace vigil

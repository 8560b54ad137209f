// Whole-file reads and writes.
//
// ReadFile: NotFound when the file cannot be opened, Internal on a read error.
// WriteFileAtomically writes to "<path>.tmp", flushes it and renames it over
// path, so a reader sees the old or the new content, never a mix; Internal on
// any failure (the temporary file is removed).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace vigil {

absl::StatusOr<std::string> ReadFile(const std::string& path);
absl::Status WriteFileAtomically(const std::string& path, std::string_view content);

}  // namespace vigil

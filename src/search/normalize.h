// String normalization shared by indexing (StringRow::normalized, TokenRow::text)
// and query parsing (string and token :text values), so that both sides fold
// the same way.
//
// NormalizeString lower-cases ASCII and folds accented Latin letters to their
// base letters: the Latin-1 Supplement (U+00C0..U+00FF) and Latin Extended-A
// (U+0100..U+017F) blocks, e.g. "Müller" -> "muller", "Łódź" -> "lodz",
// "Straße" -> "strasse", "Æsir" -> "aesir". Combining diacritical marks
// (U+0300..U+036F, from decomposed input) are dropped. Other characters, and
// bytes that are not valid UTF-8, are kept unchanged.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace vigil::search {

std::string NormalizeString(std::string_view text);
// Appends NormalizeString(text) to *out.
void AppendNormalized(std::string_view text, std::string* out);

}  // namespace vigil::search

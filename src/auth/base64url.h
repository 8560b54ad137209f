// Base64url (RFC 4648 §5) without padding, as JOSE uses it (RFC 7515 §2).
//
//   std::optional<std::string> bytes = auth::Base64UrlDecode("eyJhbGciOiJSUzI1NiJ9");
//
// Decoding is strict: only the url-safe alphabet, no '=' padding, no
// whitespace, a length that is not 1 mod 4, and zero bits in the unused low
// bits of the last character (so every byte string has exactly one encoding).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil::auth {

// The decoded bytes, or nullopt when text is not canonical unpadded base64url.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// The unpadded base64url text of bytes.
std::string Base64UrlEncode(std::string_view bytes);

}  // namespace vigil::auth

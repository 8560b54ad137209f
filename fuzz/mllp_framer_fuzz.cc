// libFuzzer target for the MLLP framer (src/ingest/hl7v2/mllp_framer.h).
//
// The input is a byte stream. Invariants checked: feeding it in one piece and
// in pieces (sizes taken from the input itself) gives the same messages and
// statistics; no message contains VT or FS; re-framing the messages and
// framing them again gives them back unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/hl7v2/mllp_framer.h"

namespace {

using vigil::hl7v2::MllpFramer;

std::vector<std::string> Drain(MllpFramer& f) {
  std::vector<std::string> out;
  while (auto m = f.Next()) out.push_back(std::move(*m));
  return out;
}

bool SameStats(const MllpFramer& a, const MllpFramer& b) {
  return a.stats().garbage_bytes == b.stats().garbage_bytes &&
         a.stats().truncated_frames == b.stats().truncated_frames &&
         a.stats().oversized_frames == b.stats().oversized_frames &&
         a.stats().missing_cr == b.stats().missing_cr && a.pending_bytes() == b.pending_bytes();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view stream(reinterpret_cast<const char*>(data), size);
  MllpFramer whole(/*max_message_bytes=*/64);
  whole.Feed(stream);
  std::vector<std::string> expected = Drain(whole);

  MllpFramer pieces(/*max_message_bytes=*/64);
  std::vector<std::string> got;
  for (size_t i = 0; i < stream.size();) {
    size_t n = 1 + static_cast<unsigned char>(stream[i]) % 7;
    pieces.Feed(stream.substr(i, n));
    for (std::string& m : Drain(pieces)) got.push_back(std::move(m));
    i += n;
  }
  if (got != expected || !SameStats(whole, pieces)) __builtin_trap();

  std::string reframed;
  for (const std::string& m : expected) {
    if (m.find(MllpFramer::kStart) != std::string::npos ||
        m.find(MllpFramer::kEnd) != std::string::npos || m.size() > 64) {
      __builtin_trap();
    }
    reframed += MllpFramer::Frame(m);
  }
  MllpFramer again(/*max_message_bytes=*/64);
  again.Feed(reframed);
  if (Drain(again) != expected || again.stats().garbage_bytes != 0) __builtin_trap();
  return 0;
}

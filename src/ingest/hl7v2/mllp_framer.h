// MLLP framing (HL7 v2 Minimal Lower Layer Protocol, release 2): each message on
// the wire is
//
//   <VT 0x0B> message bytes <FS 0x1C><CR 0x0D>
//
// MllpFramer turns a byte stream, fed in whatever pieces a socket returns, back
// into messages; it does no I/O (the listener that owns the socket is separate).
//
// State machine (one byte at a time):
//   kSeeking  --VT-->  kInFrame          other bytes: garbage, counted and dropped
//   kInFrame  --FS-->  kAfterFs          VT: the open frame was cut off (counted,
//                                        dropped), a new one starts; other bytes
//                                        are content (dropped, frame marked
//                                        oversized, past max_message_bytes)
//   kAfterFs  --CR-->  kSeeking          the message is complete
//   kAfterFs  --other> kSeeking          complete too (FS cannot occur inside HL7
//                                        text), counted as missing_cr; the byte is
//                                        then read again in kSeeking
// Invariants: a returned message never contains VT or FS; bytes are never
// reordered; how the stream is split into Feed calls does not change the result.
//
// Thread-safety: none; one framer per connection.
//
// Example:
//   MllpFramer framer;
//   framer.Feed(bytes_from_socket);
//   while (std::optional<std::string> m = framer.Next()) Handle(*m);
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::hl7v2 {

struct MllpStats {
  size_t garbage_bytes = 0;     // bytes outside any frame
  size_t truncated_frames = 0;  // frames cut off by a new VT
  size_t oversized_frames = 0;  // frames longer than max_message_bytes, dropped
  size_t missing_cr = 0;        // FS not followed by CR (message still delivered)
};

class MllpFramer {
 public:
  static constexpr char kStart = 0x0B;  // VT
  static constexpr char kEnd = 0x1C;    // FS
  static constexpr char kCr = 0x0D;

  explicit MllpFramer(size_t max_message_bytes = size_t{16} << 20)
      : max_message_bytes_(max_message_bytes) {}

  // Consumes the next bytes of the stream.
  void Feed(std::string_view bytes);
  // The oldest complete message not yet returned.
  std::optional<std::string> Next();
  // Bytes of an unfinished frame held (for idle-timeout decisions).
  size_t pending_bytes() const { return frame_.size(); }
  const MllpStats& stats() const { return stats_; }

  // message wrapped for sending. REQUIRES: message has no VT or FS byte.
  static std::string Frame(std::string_view message);

 private:
  enum class State { kSeeking, kInFrame, kAfterFs };
  void Step(char c);
  void FinishFrame();

  size_t max_message_bytes_;
  State state_ = State::kSeeking;
  std::string frame_;
  bool oversized_ = false;
  std::deque<std::string> ready_;
  MllpStats stats_;
};

}  // namespace vigil::hl7v2

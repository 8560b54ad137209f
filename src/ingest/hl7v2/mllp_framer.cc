#include "ingest/hl7v2/mllp_framer.h"

namespace vigil::hl7v2 {

void MllpFramer::FinishFrame() {
  if (oversized_) {
    ++stats_.oversized_frames;
  } else {
    ready_.push_back(std::move(frame_));
  }
  frame_.clear();
  oversized_ = false;
  state_ = State::kSeeking;
}

void MllpFramer::Step(char c) {
  switch (state_) {
    case State::kSeeking:
      if (c == kStart) {
        state_ = State::kInFrame;
      } else {
        ++stats_.garbage_bytes;
      }
      return;
    case State::kInFrame:
      if (c == kEnd) {
        state_ = State::kAfterFs;
      } else if (c == kStart) {  // the sender gave up on the open frame
        ++stats_.truncated_frames;
        frame_.clear();
        oversized_ = false;
      } else if (frame_.size() >= max_message_bytes_) {
        oversized_ = true;
        frame_.clear();  // skip to the frame's end without holding it
      } else if (!oversized_) {
        frame_.push_back(c);
      }
      return;
    case State::kAfterFs:
      FinishFrame();
      if (c != kCr) {
        ++stats_.missing_cr;
        Step(c);  // the byte belongs to what follows the frame
      }
      return;
  }
}

void MllpFramer::Feed(std::string_view bytes) {
  for (char c : bytes) Step(c);
}

std::optional<std::string> MllpFramer::Next() {
  if (ready_.empty()) return std::nullopt;
  std::string m = std::move(ready_.front());
  ready_.pop_front();
  return m;
}

std::string MllpFramer::Frame(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 3);
  out.push_back(kStart);
  out.append(message);
  out.push_back(kEnd);
  out.push_back(kCr);
  return out;
}

}  // namespace vigil::hl7v2

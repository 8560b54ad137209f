#include "ingest/hl7v2/mllp_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil::hl7v2 {
namespace {

const std::string kA = "MSH|^~\\&|A|B|C|D|2020||ADT^A01|1|P|2.5\rPID|1||X\r";
const std::string kB = "MSH|^~\\&|A|B|C|D|2020||ADT^A08|2|P|2.5\r";

std::vector<std::string> Drain(MllpFramer& f) {
  std::vector<std::string> out;
  while (auto m = f.Next()) out.push_back(*m);
  return out;
}

TEST(MllpFramerTest, FrameWrapsWithVtFsCr) {
  EXPECT_EQ(MllpFramer::Frame("abc"), std::string("\x0b"
                                                  "abc"
                                                  "\x1c\r"));
}

TEST(MllpFramerTest, OneFrameOneMessage) {
  MllpFramer f;
  f.Feed(MllpFramer::Frame(kA));
  EXPECT_EQ(Drain(f), std::vector<std::string>{kA});
  EXPECT_EQ(f.pending_bytes(), 0u);
}

TEST(MllpFramerTest, FramesSplitAcrossReadsAtEveryByte) {
  const std::string stream = MllpFramer::Frame(kA) + MllpFramer::Frame(kB);
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    MllpFramer f;
    f.Feed(stream.substr(0, cut));
    std::vector<std::string> got = Drain(f);
    f.Feed(stream.substr(cut));
    for (std::string& m : Drain(f)) got.push_back(m);
    EXPECT_EQ(got, (std::vector<std::string>{kA, kB})) << "cut at " << cut;
  }
  MllpFramer bytewise;
  for (char c : stream) bytewise.Feed(std::string_view(&c, 1));
  EXPECT_EQ(Drain(bytewise), (std::vector<std::string>{kA, kB}));
}

TEST(MllpFramerTest, PartialFrameIsHeldUntilItsEnd) {
  MllpFramer f;
  f.Feed("\x0bMSH|^~\\&|A");
  EXPECT_FALSE(f.Next().has_value());
  EXPECT_EQ(f.pending_bytes(), 10u);  // "MSH|^~\\&|A", without the VT
  f.Feed("BC\x1c");
  EXPECT_FALSE(f.Next().has_value());  // FS seen, CR not yet
  f.Feed("\r");
  EXPECT_EQ(*f.Next(), "MSH|^~\\&|ABC");
}

TEST(MllpFramerTest, GarbageBetweenFramesIsCountedAndDropped) {
  MllpFramer f;
  f.Feed("noise\r\n" + MllpFramer::Frame(kA) + "\r\n\x1c junk" + MllpFramer::Frame(kB) + "tail");
  EXPECT_EQ(Drain(f), (std::vector<std::string>{kA, kB}));
  EXPECT_EQ(f.stats().garbage_bytes, 7u + 8u + 4u);
}

TEST(MllpFramerTest, NewStartInsideAFrameDropsTheCutOffFrame) {
  MllpFramer f;
  f.Feed("\x0bMSH|half a mess" + MllpFramer::Frame(kB));
  EXPECT_EQ(Drain(f), std::vector<std::string>{kB});
  EXPECT_EQ(f.stats().truncated_frames, 1u);
}

TEST(MllpFramerTest, MissingCrAfterFsStillEndsTheFrame) {
  MllpFramer f;
  f.Feed(std::string("\x0b") + kA + "\x1c" + MllpFramer::Frame(kB));
  EXPECT_EQ(Drain(f), (std::vector<std::string>{kA, kB}));
  EXPECT_EQ(f.stats().missing_cr, 1u);
  EXPECT_EQ(f.stats().garbage_bytes, 0u);
}

TEST(MllpFramerTest, OversizedFramesAreDroppedWithoutHoldingThem) {
  MllpFramer f(/*max_message_bytes=*/10);
  f.Feed("\x0b" + std::string(1000, 'x'));
  EXPECT_LE(f.pending_bytes(), 10u);
  f.Feed("\x1c\r" + MllpFramer::Frame("short"));
  EXPECT_EQ(Drain(f), std::vector<std::string>{"short"});
  EXPECT_EQ(f.stats().oversized_frames, 1u);
}

TEST(MllpFramerTest, EmptyFrameIsAnEmptyMessage) {
  MllpFramer f;
  f.Feed(MllpFramer::Frame(""));
  EXPECT_EQ(Drain(f), std::vector<std::string>{""});
}

}  // namespace
}  // namespace vigil::hl7v2

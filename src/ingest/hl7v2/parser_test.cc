#include "ingest/hl7v2/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "base/str.h"
#include "ingest/hl7v2/escape.h"

namespace vigil::hl7v2 {
namespace {

constexpr char kAdt[] =
    "MSH|^~\\&|ADT1|GOOD HEALTH|VIGIL|HOSP|198808181126||ADT^A01^ADT_A01|MSG00001|P|2.5\r"
    "EVN|A01|198808181123\r"
    "PID|1||PATID1234^5^M11^ADT1&1.2.3&ISO^MR~123456789^^^USSSA^SS||EVERYMAN^ADAM^A^III||19610615|"
    "M\r"
    "ZPI|custom|z^segment\r";

Message MustParse(std::string_view text) {
  absl::StatusOr<Message> m = ParseMessage(text);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : Message(Delimiters{}, {});
}

std::string ErrorOf(std::string_view text) {
  absl::StatusOr<Message> m = ParseMessage(text);
  return m.ok() ? "parsed" : std::string(vigil::Message(m.status()));
}

TEST(Hl7ParserTest, ReadsSegmentsFieldsComponentsAndRepetitions) {
  Message m = MustParse(kAdt);
  ASSERT_EQ(m.segments().size(), 4u);
  EXPECT_EQ(m.MessageCode(), "ADT");
  EXPECT_EQ(m.TriggerEvent(), "A01");
  EXPECT_EQ(m.ControlId(), "MSG00001");
  EXPECT_EQ(m.Version(), "2.5");
  EXPECT_EQ(m.Get("PID-3"), "PATID1234");
  EXPECT_EQ(m.Get("PID-3[1].4"), "ADT1");
  EXPECT_EQ(m.Get("PID-3[1].4.2"), "1.2.3");
  EXPECT_EQ(m.Get("PID-3[1].4.3"), "ISO");
  EXPECT_EQ(m.Get("PID-3[2].1"), "123456789");
  EXPECT_EQ(m.Get("PID-3[2].4"), "USSSA");
  EXPECT_EQ(m.Get("PID-3[3].1"), "");
  EXPECT_EQ(m.Get("PID-5.2"), "ADAM");
  EXPECT_EQ(m.Get("PID-99"), "");
  EXPECT_EQ(m.Get("OBX-1"), "");
  EXPECT_EQ(m.Get("nonsense"), "");
}

TEST(Hl7ParserTest, MshFieldsOneAndTwoAreTheDelimiters) {
  Message m = MustParse(kAdt);
  EXPECT_EQ(m.Get("MSH-1"), "|");
  EXPECT_EQ(m.Get("MSH-2"), "^~\\&");
  EXPECT_EQ(m.Get("MSH-3"), "ADT1");
  EXPECT_EQ(m.Get("MSH-9.2"), "A01");
}

TEST(Hl7ParserTest, ZSegmentsAreKept) {
  Message m = MustParse(kAdt);
  EXPECT_EQ(m.Get("ZPI-1"), "custom");
  EXPECT_EQ(m.Get("ZPI-2.2"), "segment");
}

TEST(Hl7ParserTest, SegmentOccurrencesAreAddressable) {
  Message m =
      MustParse("MSH|^~\\&|A|B|C|D|20200101||ORU^R01|1|P|2.5\rOBX|1|NM|a||1\rOBX|2|NM|b||2\r");
  EXPECT_EQ(m.Get("OBX-3"), "a");
  EXPECT_EQ(m.Get("OBX(2)-3"), "b");
  EXPECT_EQ(m.Get("OBX(3)-3"), "");
  EXPECT_EQ(m.OccurrenceOf(*m.Find("OBX", 2)), 2);
  EXPECT_EQ(m.FindAll("OBX").size(), 2u);
}

TEST(Hl7ParserTest, AnyDelimitersFromMsh1AndMsh2) {
  Message m =
      MustParse("MSH*!#$%*APP*FAC*R*RF*2020**ADT!A04*7*P*2.3\rPID*1**ID1!!!AUTH%1.2%ISO#ID2\r");
  EXPECT_EQ(m.delimiters().field, '*');
  EXPECT_EQ(m.delimiters().component, '!');
  EXPECT_EQ(m.delimiters().repetition, '#');
  EXPECT_EQ(m.delimiters().escape, '$');
  EXPECT_EQ(m.delimiters().subcomponent, '%');
  EXPECT_EQ(m.TriggerEvent(), "A04");
  EXPECT_EQ(m.Get("PID-3.4.2"), "1.2");
  EXPECT_EQ(m.Get("PID-3[2]"), "ID2");
}

TEST(Hl7ParserTest, EncodingCharactersMayOmitEscapeAndSubcomponent) {
  Message m = MustParse("MSH|^~|A|B|C|D|2020||ADT^A08|1|P|2.3\rPID|1||a\\F\\b&c\r");
  EXPECT_EQ(m.delimiters().escape, '\0');
  EXPECT_EQ(m.delimiters().subcomponent, '\0');
  EXPECT_EQ(m.Get("PID-3"), "a\\F\\b&c");  // nothing to unescape, nothing to split
}

TEST(Hl7ParserTest, EscapeSequencesAreDecoded) {
  Message m = MustParse(
      "MSH|^~\\&|A|B|C|D|2020||ORU^R01|1|P|2.5\r"
      "OBX|1|FT|c||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X4142\\g\\.br\\h\\H\\i\\N\\\r");
  EXPECT_EQ(m.Get("OBX-5"), "a|b^c&d~e\\fABg\nhi");
}

TEST(Hl7ParserTest, UnknownOrUnterminatedEscapesStayLiteral) {
  Delimiters d;
  EXPECT_EQ(Unescape("100\\% sure\\", d), "100\\% sure\\");
  EXPECT_EQ(Unescape("a\\X4\\b", d), "a\\X4\\b");    // odd hex digits
  EXPECT_EQ(Unescape("a\\XZZ\\b", d), "a\\XZZ\\b");  // not hex
  EXPECT_EQ(Unescape("a\\.sp2\\b", d), "a\n\nb");
  EXPECT_EQ(Unescape("a\\.in+4\\b\\Cxxyy\\c", d), "abc");
  EXPECT_EQ(Unescape("\\E\\\\E\\", d), "\\\\");
}

TEST(Hl7ParserTest, EscapeIsTheInverseOfUnescape) {
  Delimiters d;
  const std::string text = "a|b^c&d~e\\f\r\ng";
  EXPECT_EQ(Escape(text, d), "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X0D\\\\X0A\\g");
  EXPECT_EQ(Unescape(Escape(text, d), d), text);
}

TEST(Hl7ParserTest, SegmentEndingsCrLfAndCrLfAreAllAccepted) {
  const std::string body = "MSH|^~\\&|A|B|C|D|2020||ADT^A01|1|P|2.5{}PID|1||X{}PV1|1|I{}";
  for (std::string_view end : {"\r", "\n", "\r\n"}) {
    std::string text = body;
    for (size_t p; (p = text.find("{}")) != std::string::npos;) text.replace(p, 2, end);
    Message m = MustParse(text);
    EXPECT_EQ(m.segments().size(), 3u) << "ending " << static_cast<int>(end[0]);
    EXPECT_EQ(m.Get("PV1-2"), "I");
  }
  Message mixed = MustParse("MSH|^~\\&|A|B|C|D|2020||ADT^A01|1|P|2.5\r\nPID|1||X\n\nPV1|1|I\r");
  EXPECT_EQ(mixed.segments().size(), 3u);
  EXPECT_EQ(mixed.segments()[2].line(), 4);  // the blank line counts
}

TEST(Hl7ParserTest, Utf8BomIsSkipped) {
  Message m = MustParse("\xEF\xBB\xBFMSH|^~\\&|A|B|C|D|2020||ADT^A01|1|P|2.5\rPID|1||X\r");
  EXPECT_EQ(m.Get("PID-3"), "X");
}

TEST(Hl7ParserTest, ErrorsNameThePosition) {
  EXPECT_EQ(ErrorOf(""), "empty input: no MSH segment");
  EXPECT_EQ(ErrorOf("\r\n  \n"), "empty input: no MSH segment");
  EXPECT_EQ(ErrorOf("PID|1||X\r"), "line 1: a message must start with an MSH segment, found 'PID'");
  EXPECT_EQ(ErrorOf("MSH"), "line 1: MSH is truncated: no field separator (MSH-1)");
  EXPECT_EQ(ErrorOf("MSHA^~\\&|"), "line 1: column 4: MSH-1: 'A' cannot be the field separator");
  EXPECT_EQ(ErrorOf("MSH|^|A"),
            "line 1: column 5: MSH-2: encoding characters '^' must be 2 to 5 characters "
            "(component, repetition, escape, sub-component)");
  EXPECT_EQ(ErrorOf("MSH|^^\\&|A"),
            "line 1: column 6: MSH-2: encoding character '^' is not a distinct printable "
            "non-alphanumeric character");
  EXPECT_EQ(ErrorOf("MSH|^~\\&|A|B|C|D|2020\r"),
            "line 1: MSH-9 (message type) is missing: the message is truncated");
  EXPECT_EQ(
      ErrorOf("MSH|^~\\&|A|B|C|D|2020||ADT^A01|1\rPID|1\rP1D x\r"),
      "line 3: 'P1D x' is not a segment: expected a three-character segment ID followed by '|'");
  EXPECT_EQ(
      ErrorOf("MSH|^~\\&|A|B|C|D|2020||ADT^A01|1\rpid|1\r"),
      "line 2: 'pid|1' is not a segment: expected a three-character segment ID followed by '|'");
  EXPECT_EQ(ErrorOf("MSH|^~\\&|A||||||ADT^A01|1\rMSH|^~\\&|A||||||ADT^A01|2\r"),
            "line 2: unexpected MSH: the input is a batch of messages");
}

TEST(Hl7ParserTest, FieldPathSyntax) {
  auto p = ParseFieldPath("OBX(12)-5[3].2.1");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->segment, "OBX");
  EXPECT_EQ(p->occurrence, 12);
  EXPECT_EQ(p->field, 5);
  EXPECT_EQ(p->repetition, 3);
  EXPECT_EQ(p->component, 2);
  EXPECT_EQ(p->subcomponent, 1);
  for (std::string_view bad :
       {"PID", "PID-", "PID-0", "PID-3[0]", "PID-3.", "PID-3.1.1.1", "PID(1-3", "PID-9999999"}) {
    EXPECT_FALSE(ParseFieldPath(bad).ok()) << bad;
  }
}

TEST(Hl7BatchTest, SplitsAnEnvelopedBatchIntoMessages) {
  const std::string text =
      "FHS|^~\\&|APP|FAC\rBHS|^~\\&|APP|FAC\r"
      "MSH|^~\\&|A|B|C|D|2020||ADT^A04|1|P|2.5\rPID|1||X1\r"
      "MSH|^~\\&|A|B|C|D|2020||ADT^A08|2|P|2.5\rPID|1||X2\r"
      "BTS|2\rFTS|1\r";
  absl::StatusOr<Batch> batch = ParseBatch(text);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->messages.size(), 2u);
  EXPECT_EQ(batch->envelope.size(), 4u);
  ASSERT_TRUE(batch->messages[1].ok());
  EXPECT_EQ(batch->messages[0]->Get("PID-3"), "X1");
  EXPECT_EQ(batch->messages[1]->TriggerEvent(), "A08");
}

TEST(Hl7BatchTest, MessagesWithoutEnvelopeAndOneBadMessage) {
  absl::StatusOr<Batch> batch = ParseBatch(
      "MSH|^~\\&|A|B|C|D|2020||ADT^A04|1|P|2.5\rPID|1||X1\r"
      "MSH|^~\\&|A|B|C|D|2020\rPID|1||X2\r"
      "MSH|^~\\&|A|B|C|D|2020||ADT^A04|3|P|2.5\r");
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->messages.size(), 3u);
  EXPECT_TRUE(batch->messages[0].ok());
  ASSERT_FALSE(batch->messages[1].ok());
  EXPECT_EQ(vigil::Message(batch->messages[1].status()),
            "line 3: MSH-9 (message type) is missing: the message is truncated");
  EXPECT_TRUE(batch->messages[2].ok());
}

TEST(Hl7BatchTest, EnvelopeErrors) {
  auto error = [](std::string_view text) {
    absl::StatusOr<Batch> b = ParseBatch(text);
    return b.ok() ? std::string("parsed") : std::string(vigil::Message(b.status()));
  };
  EXPECT_EQ(error("BHS|^~\\&\rMSH|^~\\&|A||||||ADT^A01|1\rBTS|3\r"),
            "line 3: BTS-1 declares 3 messages but the batch has 1");
  EXPECT_EQ(error("PID|1\rMSH|^~\\&|A||||||ADT^A01|1\r"),
            "line 1: 'PID' before the first MSH segment");
  EXPECT_EQ(error("BHS|\r"),
            "line 1: column 5: BHS-2: encoding characters '' must be 2 to 5 "
            "characters (component, repetition, escape, sub-component)");
  EXPECT_EQ(error(""), "empty input: no MSH segment");
}

TEST(Hl7ParserTest, HostileInputNeverCrashes) {
  // A cheap deterministic sweep; fuzz/hl7v2_fuzz.cc does this properly.
  std::string seed = kAdt;
  for (size_t cut = 0; cut < seed.size(); ++cut) {
    auto m = ParseMessage(std::string_view(seed).substr(0, cut));
    if (m.ok()) (void)m->Get("PID-3[2].4.1");
  }
  for (char c : std::string("\0\r\n|^~\\&\xff", 10)) {
    std::string s = seed;
    for (size_t i = 0; i < s.size(); i += 7) s[i] = c;
    (void)ParseBatch(s);
  }
}

}  // namespace
}  // namespace vigil::hl7v2

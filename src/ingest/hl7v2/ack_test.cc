#include "ingest/hl7v2/ack.h"

#include <gtest/gtest.h>

#include "ingest/hl7v2/parser.h"
#include "ingest/hl7v2/to_fhir.h"

namespace vigil::hl7v2 {
namespace {

Message Parse(std::string_view text) {
  absl::StatusOr<Message> m = ParseMessage(text);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : Message(Delimiters{}, {});
}

AckOptions Options() {
  AckOptions o;
  o.control_id = "ACK1";
  o.timestamp = "20240305143100+0000";
  return o;
}

TEST(Hl7AckTest, AcceptSwapsSenderAndReceiverAndEchoesTheControlId) {
  Message m =
      Parse("MSH|^~\\&|EPIC|GH|VIGIL|HOSP|20240305143000||ADT^A01^ADT_A01|MSG001|P|2.5.1\r");
  EXPECT_EQ(BuildAck(m, AckCode::kAccept, {}, Options()),
            "MSH|^~\\&|VIGIL|HOSP|EPIC|GH|20240305143100+0000||ACK^A01^ACK|ACK1|P|2.5.1\r"
            "MSA|AA|MSG001\r");
}

TEST(Hl7AckTest, ErrorsBecomeErrSegmentsWithLocationCodeAndText) {
  Message m = Parse(
      "MSH|^~\\&|EPIC|GH|VIGIL|HOSP|20240305143000||ADT^A01|MSG001|P|2.5.1\r"
      "PID|1||123^^^A^MR||Doe^Jane||1999133\rPV1|1|I\r");
  MapResult result = MapToFhir(m);
  ASSERT_EQ(AckCodeFor(result.issues), AckCode::kError);
  EXPECT_EQ(BuildAck(m, AckCodeFor(result.issues), result.issues, Options()),
            "MSH|^~\\&|VIGIL|HOSP|EPIC|GH|20240305143100+0000||ACK^A01^ACK|ACK1|P|2.5.1\r"
            "MSA|AE|MSG001|PID-7: invalid date '1999133'\r"
            "ERR||PID^1^7|102^Data type error^HL70357|E||||PID-7: invalid date '1999133'\r");
}

TEST(Hl7AckTest, UnsupportedTypeIsRejected) {
  Message m = Parse("MSH|^~\\&|EPIC|GH|VIGIL|HOSP|2024||SIU^S12|M2|P|2.6\r");
  MapResult result = MapToFhir(m);
  ASSERT_EQ(AckCodeFor(result.issues), AckCode::kReject);
  std::string ack = BuildAck(m, AckCode::kReject, result.issues, Options());
  EXPECT_NE(ack.find("MSA|AR|M2|"), std::string::npos) << ack;
  EXPECT_NE(ack.find("ERR||MSH^1^9^1^1|200^Unsupported message type^HL70357|E|"), std::string::npos)
      << ack;
}

TEST(Hl7AckTest, OldVersionsGetErr1AndTextIsEscapedWithTheMessageDelimiters) {
  Message m = Parse("MSH*!#$%*APP*FAC*R*RF*2020**ADT!A01*M3*P*2.3\r");
  Issue issue;
  issue.segment = "PID";
  issue.field = 5;
  issue.code = ErrorCode::kRequiredFieldMissing;
  issue.message = "name *missing* ! ok";
  std::string ack = BuildAck(m, AckCode::kError, {issue}, Options());
  EXPECT_EQ(
      ack,
      "MSH*!#$%*R*RF*APP*FAC*20240305143100+0000**ACK!A01!ACK*ACK1*P*2.3\r"
      "MSA*AE*M3*PID-5: name $F$missing$F$ $S$ ok\r"
      "ERR*PID!1!5!101%Required field missing%HL70357*PID!1!5*101!Required field missing!HL70357*E"
      "****PID-5: name $F$missing$F$ $S$ ok\r");
  // The ACK parses back with the same delimiters.
  Message back = Parse(ack);
  EXPECT_EQ(back.Get("MSA-3"), "PID-5: name *missing* ! ok");
  EXPECT_EQ(back.Get("ERR-3.2"), "Required field missing");
}

TEST(Hl7AckTest, WarningsKeepTheAcceptCode) {
  Issue warning;
  warning.severity = Issue::Severity::kWarning;
  warning.segment = "OBX";
  warning.sequence = 2;
  warning.field = 2;
  warning.message = "value type 'ED' is not mapped";
  EXPECT_EQ(AckCodeFor({warning}), AckCode::kAccept);
  Message m = Parse("MSH|^~\\&|A|B|C|D|2024||ORU^R01|M4|P|2.5\r");
  EXPECT_EQ(BuildAck(m, AckCode::kAccept, {warning}, Options()),
            "MSH|^~\\&|C|D|A|B|20240305143100+0000||ACK^R01^ACK|ACK1|P|2.5\r"
            "MSA|AA|M4\r"
            "ERR||OBX^2^2|102^Data type error^HL70357|W||||warning: OBX(2)-2: value type 'ED' is "
            "not mapped\r");
}

}  // namespace
}  // namespace vigil::hl7v2

#include "audit/ingest_events.h"

#include <gtest/gtest.h>

#include "audit/event_test_util.h"
#include "fhir/json.h"

namespace vigil::audit {
namespace {

using testing::DetailOf;

fhir::Json Parse(const std::string& text) { return testing::ParseEvent(text); }

TEST(IngestEventsTest, AnAcceptedMessageNamesSenderMessageAndEveryResourceWritten) {
  IngestFacts f;
  f.channel = "hl7v2";
  f.sender = "LAB^HOSP";
  f.address = "127.0.0.1";
  f.message_id = "MSG0001";
  f.message_type = "ORU^R01";
  f.ack = "AA";
  f.written = {"Patient/p1/_history/2", "Observation/o1/_history/1"};
  f.time_ms = 1700000000000;
  f.site = "http://127.0.0.1:8080/fhir";
  fhir::Json ev = Parse(IngestAuditJson(f));
  EXPECT_EQ(ev.Find("type")->Find("system")->text(), "http://dicom.nema.org/resources/ontology/DCM");
  EXPECT_EQ(ev.Find("type")->Find("code")->text(), "110107");
  EXPECT_EQ(ev.Find("subtype")->items()[0].Find("code")->text(), "hl7v2");
  EXPECT_EQ(ev.Find("action")->text(), "C");
  EXPECT_EQ(ev.Find("outcome")->text(), "0");
  EXPECT_EQ(ev.Find("outcomeDesc"), nullptr);
  const fhir::Json& agent = ev.Find("agent")->items()[0];
  EXPECT_EQ(agent.Find("who")->Find("display")->text(), "LAB^HOSP");
  EXPECT_EQ(agent.Find("network")->Find("address")->text(), "127.0.0.1");
  EXPECT_EQ(ev.Find("source")->Find("site")->text(), "http://127.0.0.1:8080/fhir");
  const auto& entities = ev.Find("entity")->items();
  ASSERT_EQ(entities.size(), 3u);
  EXPECT_EQ(entities[0].Find("what")->Find("identifier")->Find("value")->text(), "MSG0001");
  EXPECT_EQ(DetailOf(entities[0], "messageType"), "ORU^R01");
  EXPECT_EQ(DetailOf(entities[0], "ack"), "AA");
  EXPECT_EQ(entities[1].Find("what")->Find("reference")->text(), "Patient/p1/_history/2");
  EXPECT_EQ(entities[1].Find("role")->Find("code")->text(), "1");
  EXPECT_EQ(entities[2].Find("role")->Find("code")->text(), "4");
}

TEST(IngestEventsTest, ARefusedMessageIsAnExecuteWithItsDeadLetter) {
  IngestFacts f;
  f.channel = "hl7v2";
  f.message_id = "X9";
  f.ack = "AE";
  f.outcome = 4;
  f.dead_letter_id = "20261130-0001";
  fhir::Json ev = Parse(IngestAuditJson(f));
  EXPECT_EQ(ev.Find("action")->text(), "E");
  EXPECT_EQ(ev.Find("outcome")->text(), "4");
  EXPECT_EQ(ev.Find("outcomeDesc")->text(), "message refused");
  EXPECT_EQ(ev.Find("agent")->items()[0].Find("who")->Find("display")->text(), "unknown sender");
  EXPECT_EQ(ev.Find("agent")->items()[0].Find("network"), nullptr);
  const auto& entities = ev.Find("entity")->items();
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(DetailOf(entities[0], "deadLetter"), "20261130-0001");
  EXPECT_EQ(DetailOf(entities[0], "ack"), "AE");
}

TEST(IngestEventsTest, AResendIsMarkedDuplicateAndWritesNothing) {
  IngestFacts f;
  f.channel = "mqtt";
  f.sender = "devices/monitor-7/vitals";
  f.duplicate = true;
  fhir::Json ev = Parse(IngestAuditJson(f));
  EXPECT_EQ(ev.Find("subtype")->items()[0].Find("code")->text(), "mqtt");
  EXPECT_EQ(ev.Find("action")->text(), "E");
  EXPECT_EQ(DetailOf(ev.Find("entity")->items()[0], "duplicate"), "true");
  EXPECT_EQ(ev.Find("entity")->items()[0].Find("name")->text(), "device reading");
}

}  // namespace
}  // namespace vigil::audit

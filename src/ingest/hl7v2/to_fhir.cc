#include "ingest/hl7v2/to_fhir.h"

#include "base/str.h"
#include "ingest/hl7v2/datetime.h"
#include "ingest/hl7v2/map_steps.h"

namespace vigil::hl7v2 {
namespace {

using fhir::Json;
using internal::MapContext;
using internal::Text;

constexpr std::string_view kAdtEvents[] = {"A01", "A02", "A03", "A04", "A08", "A11", "A13"};

// PID, or an error naming the missing segment.
const Segment* RequirePid(MapContext& ctx) {
  const Segment* pid = ctx.message().Find("PID");
  if (pid == nullptr) {
    Issue issue;
    issue.code = ErrorCode::kSegmentSequence;
    issue.segment = "PID";
    issue.message = "PID segment missing";
    ctx.issues().push_back(std::move(issue));
  }
  return pid;
}

void MapAdt(MapContext& ctx, std::string_view event) {
  const Segment* pid = RequirePid(ctx);
  if (pid == nullptr) return;
  std::string patient = internal::MapPatient(ctx, *pid, internal::PatientWrite::kConditionalUpdate);
  const Segment* pv1 = ctx.message().Find("PV1");
  if (patient.empty()) return;
  bool optional_visit = event == "A08";  // demographics update: the visit may be absent
  if (pv1 == nullptr || (optional_visit && Text(ctx.Field(*pv1, 19)).empty())) {
    if (!optional_visit) {
      Issue issue;
      issue.code = ErrorCode::kSegmentSequence;
      issue.segment = "PV1";
      issue.message = StrCat("PV1 segment missing (required for ", event, ")");
      ctx.issues().push_back(std::move(issue));
    } else if (pv1 != nullptr) {
      ctx.Warning(*pv1, 19, "no visit number: only the Patient is updated");
    }
    return;
  }
  internal::MapEncounter(ctx, *pv1, event, patient);
}

void MapOru(MapContext& ctx) {
  const Segment* pid = RequirePid(ctx);
  if (pid == nullptr) return;
  std::string patient = internal::MapPatient(ctx, *pid, internal::PatientWrite::kConditionalCreate);
  if (patient.empty()) return;
  const Segment* pv1 = ctx.message().Find("PV1");
  std::string encounter = pv1 == nullptr ? "" : internal::MapResultVisit(ctx, *pv1, patient);
  internal::MapResults(ctx, patient, encounter);
}

void UnsupportedType(MapContext& ctx, std::string_view code, std::string_view trigger) {
  Issue issue;
  issue.segment = "MSH";
  issue.field = 9;
  bool known_code = code == "ADT" || code == "ORU";
  issue.code = known_code ? ErrorCode::kUnsupportedEventCode : ErrorCode::kUnsupportedMessageType;
  issue.component = known_code ? 2 : 1;
  issue.message = StrCat("unsupported message type '", code, "^", trigger,
                         "' (supported: ADT^A01/A02/A03/A04/A08/A11/A13, ORU^R01)");
  ctx.issues().push_back(std::move(issue));
}

Json Transaction(Json entries) {
  Json bundle = Json::Object();
  bundle.Set("resourceType", Json::String("Bundle"));
  bundle.Set("type", Json::String("transaction"));
  if (!entries.items().empty()) bundle.Set("entry", std::move(entries));
  return bundle;
}

}  // namespace

bool IsSupported(std::string_view code, std::string_view trigger) {
  if (code == "ORU") return trigger == "R01";
  if (code != "ADT") return false;
  for (std::string_view e : kAdtEvents) {
    if (trigger == e) return true;
  }
  return false;
}

MapResult MapToFhir(const Message& message, const MapOptions& options) {
  MapContext ctx(message, options);
  const std::string code = message.MessageCode(), trigger = message.TriggerEvent();
  if (!IsSupported(code, trigger)) {
    UnsupportedType(ctx, code, trigger);
  } else if (code == "ADT") {
    MapAdt(ctx, trigger);
  } else {
    MapOru(ctx);
  }
  if (!ctx.failed()) internal::MapProvenance(ctx);
  MapResult result;
  if (!ctx.failed()) result.bundle = Transaction(std::move(ctx.entries()));
  result.issues = std::move(ctx.issues());
  return result;
}

}  // namespace vigil::hl7v2

#include "cohort/evaluator.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "base/status.h"
#include "cohort/reads.h"

namespace vigil::cohort {
namespace {

// The matching events of one patient for one criterion.
struct PatientEvents {
  std::vector<int64_t> times;  // clinical times, sorted
  bool untimed = false;        // some matching resource had no clinical time
};
using EventMap = std::map<std::string, PatientEvents, std::less<>>;

absl::StatusOr<EventMap> CollectEvents(store::Reader& reader, const Criterion& c) {
  EventMap events;
  store::Query query;
  query.type = std::string(ResourceTypeOf(c.kind));
  query.all_of.push_back(CodeClause("code", c.codes));
  VIGIL_RETURN_IF_ERROR(ForEachMatch(reader, std::move(query),
                                     [&](const store::StoredResource&, const fhir::Json& r) {
                                       std::string patient = PatientIdOf(r);
                                       if (patient.empty() || !ResourceMatches(c, r))
                                         return absl::OkStatus();
                                       PatientEvents& e = events[patient];
                                       if (auto t = ClinicalTimeMs(c.kind, r)) {
                                         e.times.push_back(*t);
                                       } else {
                                         e.untimed = true;
                                       }
                                       return absl::OkStatus();
                                     }));
  for (auto& [id, e] : events) std::sort(e.times.begin(), e.times.end());
  return events;
}

class Checker {
 public:
  Checker(const Definition& d, const std::vector<EventMap>& events, int64_t now_ms)
      : d_(d), events_(events), now_ms_(now_ms) {}

  bool Qualifies(const PatientFacts& p) const {
    for (size_t i = 0; i < d_.criteria.size(); ++i) {
      if (Satisfies(i, p) == d_.criteria[i].exclude) return false;
    }
    return true;
  }

 private:
  const PatientEvents* Events(size_t i, const std::string& patient) const {
    auto it = events_[i].find(patient);
    return it == events_[i].end() ? nullptr : &it->second;
  }

  std::optional<int64_t> AnchorTime(const Window& w, const std::string& patient) const {
    const PatientEvents* e = Events(w.anchor, patient);
    if (e == nullptr || e->times.empty()) return std::nullopt;
    return e->times.front();
  }

  bool Satisfies(size_t i, const PatientFacts& p) const {
    const Criterion& c = d_.criteria[i];
    if (c.kind == Kind::kGender) {
      return std::any_of(c.codes.begin(), c.codes.end(),
                         [&](const Coding& g) { return g.code == p.gender; });
    }
    std::optional<int64_t> anchor;
    if (c.window) {
      anchor = AnchorTime(*c.window, p.id);
      if (!anchor) return false;
    }
    if (c.kind == Kind::kAge) {
      if (!p.birth_ms) return false;
      std::optional<int> age =
          anchor ? std::optional<int>(AgeYears(*p.birth_ms, *anchor)) : CurrentAge(p, now_ms_);
      return age && c.value->Contains(*age);
    }
    const PatientEvents* e = Events(i, p.id);
    if (e == nullptr) return false;
    if (!anchor) return !e->times.empty() || e->untimed;
    const int64_t low = *anchor - c.window->before_ms;
    const int64_t high = *anchor + c.window->after_ms;
    auto it = std::lower_bound(e->times.begin(), e->times.end(), low);
    return it != e->times.end() && *it <= high;
  }

  const Definition& d_;
  const std::vector<EventMap>& events_;
  int64_t now_ms_;
};

// Patients every inclusion clinical criterion found, within the enumerated
// members if any; nullopt when nothing narrows the candidates.
std::optional<std::set<std::string>> Candidates(const Definition& d,
                                                const std::vector<EventMap>& events) {
  std::optional<std::set<std::string>> out;
  if (!d.members.empty()) out.emplace(d.members.begin(), d.members.end());
  for (size_t i = 0; i < d.criteria.size(); ++i) {
    if (d.criteria[i].exclude || !IsClinical(d.criteria[i].kind)) continue;
    std::set<std::string> next;
    for (const auto& [id, e] : events[i]) {
      if (!out || out->count(id) > 0) next.insert(id);
    }
    out = std::move(next);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<PatientFacts>> EvaluateDefinition(store::Reader& reader,
                                                             const Definition& definition,
                                                             int64_t now_ms) {
  std::vector<EventMap> events(definition.criteria.size());
  for (size_t i = 0; i < definition.criteria.size(); ++i) {
    if (IsClinical(definition.criteria[i].kind)) {
      VIGIL_ASSIGN_OR_RETURN(events[i], CollectEvents(reader, definition.criteria[i]));
    }
  }
  std::vector<PatientFacts> patients;
  if (std::optional<std::set<std::string>> c = Candidates(definition, events)) {
    VIGIL_ASSIGN_OR_RETURN(patients,
                           LoadPatients(reader, std::vector<std::string>(c->begin(), c->end())));
  } else {
    VIGIL_ASSIGN_OR_RETURN(patients, AllPatients(reader));
  }
  Checker checker(definition, events, now_ms);
  std::erase_if(patients, [&](const PatientFacts& p) { return !checker.Qualifies(p); });
  return patients;
}

}  // namespace vigil::cohort

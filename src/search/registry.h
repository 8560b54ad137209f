// The FHIR R4 search parameters, with each expression compiled for its base type.
//
// The definitions are generated from ../shared/fhir-r4/search-parameters.json by
// tools/gen_search_params.py into params_data.inc (never edit it by hand). A
// ParamDef is one (base type, code) pair: a parameter defined on several bases
// ("clinical-code" on AllergyIntolerance, Condition, ...) gets one ParamDef per
// base, each holding only its base's part of the expression, compiled with that
// base as the FHIRPath root type.
//
// Parameters on the abstract bases apply to every resource type: "Resource"
// (_id, _lastUpdated, _tag, _profile, _security, _source, _content, _query) to
// all of them, "DomainResource" (_text) to those deriving from DomainResource.
// Find() and ForType() include them.
//
// Not indexed (ParamDef::indexed() is false): special parameters, those
// without an expression (_text, _content, _query), and composites whose
// components cannot all be resolved and compiled (none in R4).
//
//   const search::Registry& r = search::Registry::Default();
//   const search::ParamDef* code = r.Find("Observation", "code");
//   auto values = code->compiled->Evaluate(observation_json);
//
// Thread-safety: Default() builds the registry once (every expression is
// compiled then, about 1,700 of them; see registry_test for the time); the
// result is immutable and safe to use from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fhirpath/fhirpath.h"

namespace vigil::search {

enum class ParamType : uint8_t {
  kNumber,
  kDate,
  kString,
  kToken,
  kReference,
  kComposite,
  kQuantity,
  kUri,
  kSpecial,
};

enum class XpathUsage : uint8_t { kNormal, kPhonetic, kNearby, kDistance, kOther };

// One component of a composite parameter.
struct ComponentDef {
  std::string_view definition;  // canonical URL of the component's SearchParameter
  std::string_view expression;  // relative to the composite's expression
};

struct ParamDef;

// A composite's component, resolved: its own parameter's type (never
// composite or special) and its expression compiled untyped, to be evaluated
// with one element of the composite's context as input.
struct CompiledComponent {
  ParamType type = ParamType::kToken;
  const ParamDef* def = nullptr;  // the component's own parameter (its first base)
  const fhirpath::Expression* compiled = nullptr;
};

struct ParamDef {
  std::string_view base;  // "Observation", or "Resource" / "DomainResource"
  std::string_view code;  // "code", "_lastUpdated"
  std::string_view id;    // the SearchParameter's id ("clinical-code")
  std::string_view url;
  ParamType type = ParamType::kToken;
  XpathUsage xpath_usage = XpathUsage::kNormal;
  std::string_view expression;       // this base's part; empty when none
  std::string_view full_expression;  // as in the definition, over all bases
  std::span<const std::string_view> bases;
  std::span<const std::string_view> targets;  // reference: allowed target types
  std::span<const ComponentDef> components;   // composite only
  // Compiled `expression` (root type = base, untyped for the abstract bases);
  // nullptr when there is no expression or it failed to compile.
  const fhirpath::Expression* compiled = nullptr;
  // Composite only: `components` resolved, in order; empty when any of them
  // could not be (unknown definition, unsupported type, compile error).
  std::span<const CompiledComponent> compiled_components;
  // Set when this base's expression is a union ("Observation.code |
  // Observation.component.code") of the expressions of other parameters of the
  // same base and type (not reference), composites also with the same
  // components: their codes, in order. Its rows are then exactly theirs, so the
  // indexer writes none for it and searches and sorts read theirs
  // (store::Clause::row_params). Observation's combo-* parameters are such.
  std::vector<std::string_view> union_of = {};
  std::vector<const ParamDef*> union_sources = {};  // union_of's definitions, in order
  // Set for a composite whose expression is its base itself, so that its one
  // element is the resource (Observation's code-value-quantity), and each of
  // whose components reads what a parameter of the same base reads
  // ("code" is Observation.code; "value.as(Quantity)" is what value-quantity
  // reads, less SampledData, which yields no quantity row): those parameters,
  // in component order. Its component values are then exactly their rows on
  // the same resource, so the indexer writes no composite rows for it, and a
  // search matches a resource that has, for each component, a row of that
  // component's parameter matching it (store::Clause::component_rows).
  std::vector<const ParamDef*> component_params = {};
  // Set when this base's expression is "<subject's expression>.where(resolve()
  // is T)" (Observation.patient = Observation.subject.where(resolve() is
  // Patient)): "subject" and T. Its reference rows that target a T are then
  // subject's rows that target a T, so the indexer does not write those (only
  // the rest: ":identifier" token rows, and references that only an absolute
  // URL types, which subject's rows leave untyped), and searches read both
  // (store::Clause::row_target_type). Only subject is a source: change events
  // find a resource's patient in its "patient", then its "subject" rows.
  std::string_view narrows = {};
  std::string_view narrows_to = {};

  // Whether the indexer extracts rows for this parameter.
  bool indexed() const {
    if (compiled == nullptr || type == ParamType::kSpecial) return false;
    return type != ParamType::kComposite || !compiled_components.empty();
  }
};

const char* ParamTypeName(ParamType type);

class Registry {
 public:
  // The R4 registry, built (and every expression compiled) on first use.
  static const Registry& Default();

  // The parameter `code` on resource `type`, including Resource- and
  // DomainResource-level ones; nullptr when unknown.
  const ParamDef* Find(std::string_view type, std::string_view code) const;
  // Every parameter that applies to resource `type` (its own ones sorted by code,
  // then the DomainResource and Resource ones); empty for an unknown type.
  std::span<const ParamDef* const> ForType(std::string_view type) const;

  // Every (base, code) definition, sorted by base then code.
  std::span<const ParamDef> all() const { return defs_; }
  // Number of SearchParameter resources the registry was generated from.
  size_t source_count() const;
  // "Base.code: message" for each expression that failed to compile (expected empty).
  const std::vector<std::string>& compile_errors() const { return compile_errors_; }
  // Wall time spent building the registry, compilation included.
  double build_ms() const { return build_ms_; }

  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

 private:
  Registry();
  void ResolveComponents();
  // Sets ParamDef::narrows, union_of and component_params.
  void ResolveDerived();
  void ResolveNarrowings();
  void ResolveUnions();
  void ResolveComponentParams();

  std::vector<ParamDef> defs_;
  std::vector<std::unique_ptr<fhirpath::Expression>> expressions_;
  std::vector<std::unique_ptr<std::vector<CompiledComponent>>> components_;
  // Resource type -> its applicable params (sorted by code for Find).
  std::map<std::string, std::vector<const ParamDef*>, std::less<>> by_type_;
  std::map<std::string, std::vector<const ParamDef*>, std::less<>> sorted_by_type_;
  std::vector<std::string> compile_errors_;
  double build_ms_ = 0;
};

}  // namespace vigil::search

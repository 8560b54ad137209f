#include "fhir/model.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace vigil::fhir {
namespace model_data {
#include "fhir/model_data.inc"
}  // namespace model_data
namespace {

using model_data::kBaseIndex;
using model_data::kSortedElements;
using model_data::kSortedStart;
using model_data::kTypes;

constexpr size_t kTypeCount = std::size(kTypes);
static_assert(std::size(kBaseIndex) == kTypeCount);
static_assert(std::size(kSortedStart) == kTypeCount + 1);

// Position of t in kTypes, or -1 for a TypeInfo that does not live there
// (a caller-built one); such types fall back to linear scans.
ptrdiff_t IndexOf(const TypeInfo* t) {
  // Compare as integers: relational operators on unrelated pointers are unspecified.
  auto p = reinterpret_cast<uintptr_t>(t);
  auto begin = reinterpret_cast<uintptr_t>(&kTypes[0]);
  auto end = reinterpret_cast<uintptr_t>(&kTypes[0] + kTypeCount);
  if (p < begin || p >= end) return -1;
  return t - &kTypes[0];
}

const ElementInfo* FindElementLinear(std::span<const ElementInfo> elements, std::string_view name) {
  for (const ElementInfo& e : elements) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace

const ElementInfo* TypeInfo::FindElement(std::string_view name) const {
  ptrdiff_t index = IndexOf(this);
  if (index < 0) return FindElementLinear(elements, name);
  const uint16_t* first = &kSortedElements[kSortedStart[index]];
  const uint16_t* last = &kSortedElements[0] + kSortedStart[index + 1];
  const ElementInfo* data = elements.data();
  // Deciding on the first letter where it differs skips most memcmp calls.
  const uint16_t* it = std::lower_bound(first, last, name, [data](uint16_t i, std::string_view n) {
    std::string_view e = data[i].name;
    if (!e.empty() && !n.empty() && e[0] != n[0]) return e[0] < n[0];
    return e < n;
  });
  if (it == last || data[*it].name != name) return nullptr;
  return &data[*it];
}

const ElementInfo* TypeInfo::FindJsonMember(std::string_view json_name) const {
  if (const ElementInfo* e = FindElement(json_name)) return e->is_choice ? nullptr : e;
  for (const ElementInfo& e : elements) {
    if (e.is_choice && !ChoiceTypeOf(e, json_name).empty()) return &e;
  }
  return nullptr;
}

const TypeInfo* TypeInfo::base() const {
  ptrdiff_t index = IndexOf(this);
  if (index < 0) return base_name.empty() ? nullptr : FindType(base_name);
  int16_t base = kBaseIndex[index];
  return base < 0 ? nullptr : &kTypes[base];
}

bool TypeInfo::IsA(std::string_view type_name) const {
  for (const TypeInfo* t = this; t != nullptr; t = t->base()) {
    if (t->name == type_name) return true;
  }
  return false;
}

const TypeInfo* FindType(std::string_view name) {
  // Hashing beats a binary search of ~700 names: this is on FHIRPath's hot path.
  static const auto* const kByName = [] {
    auto* map = new std::unordered_map<std::string_view, const TypeInfo*>();
    for (const TypeInfo& t : kTypes) map->emplace(t.name, &t);
    return map;
  }();
  auto it = kByName->find(name);
  return it == kByName->end() ? nullptr : it->second;
}

const TypeInfo* TypeInfo::ElementType(const ElementInfo& element) const {
  // One slot per (type, element), resolved once: the first of element.types.
  struct Resolved {
    std::vector<size_t> start;  // per type: where its elements begin in `types`
    std::vector<const TypeInfo*> types;
  };
  static const Resolved* const kResolved = [] {
    auto* r = new Resolved();
    for (const TypeInfo& t : kTypes) {
      r->start.push_back(r->types.size());
      for (const ElementInfo& e : t.elements) {
        r->types.push_back(e.types.empty() ? nullptr : FindType(e.types.front()));
      }
    }
    return r;
  }();
  ptrdiff_t index = IndexOf(this);
  const ElementInfo* first = elements.data();
  if (index < 0 || &element < first || &element >= first + elements.size()) {
    return element.types.empty() ? nullptr : FindType(element.types.front());
  }
  return kResolved
      ->types[kResolved->start[static_cast<size_t>(index)] + static_cast<size_t>(&element - first)];
}

bool IsResourceType(std::string_view name) {
  const TypeInfo* t = FindType(name);
  return t != nullptr && t->kind == TypeKind::kResource && !t->is_abstract;
}

std::span<const TypeInfo> AllTypes() { return kTypes; }

std::string_view ChoiceTypeOf(const ElementInfo& element, std::string_view json_name) {
  if (!element.is_choice || !json_name.starts_with(element.name)) return {};
  std::string_view suffix = json_name.substr(element.name.size());
  if (suffix.empty() || suffix[0] < 'A' || suffix[0] > 'Z') return {};
  for (std::string_view type : element.types) {
    if (type.size() != suffix.size() || type.substr(1) != suffix.substr(1)) continue;
    char first = type[0];
    if (first >= 'a' && first <= 'z') first = static_cast<char>(first - 'a' + 'A');
    if (first == suffix[0]) return type;
  }
  return {};
}

}  // namespace vigil::fhir

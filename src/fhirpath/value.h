// One item of a FHIRPath collection.
//
// A Value is either a System value (Boolean, Integer, Decimal, String, Date,
// DateTime, Time, Quantity) made by the expression itself, or a FHIR element:
// a pointer into the resource's Json tree together with the element's FHIR type
// and, for primitives, the "_name" sibling that carries id/extensions. Node values
// borrow the resource: the Json must outlive every Value that points into it.
//
// FHIR primitives (a Json scalar typed "date", "string", ...) behave as their
// System value in operators and functions; AsSystem() does that conversion.
//
// Thread-safety: a value type; copying a node Value copies two pointers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "fhir/json.h"
#include "fhir/model.h"
#include "fhirpath/decimal.h"
#include "fhirpath/quantity.h"
#include "fhirpath/temporal.h"

namespace vigil::fhirpath {

enum class ValueKind : uint8_t {
  kBoolean,
  kInteger,
  kDecimal,
  kString,
  kDate,
  kDateTime,
  kTime,
  kQuantity,
  kNode,  // a FHIR element that is not (or not yet converted to) a System value
};

// A FHIR element inside a resource.
struct NodeRef {
  const fhir::Json* json = nullptr;           // the element's value (object or scalar)
  const fhir::TypeInfo* type = nullptr;       // its FHIR type; nullptr when unknown
  const fhir::Json* primitive_ext = nullptr;  // "_name" object of a primitive, if any
  // For a resource node: where it sits (for resolve() of contained references).
  const fhir::Json* container = nullptr;
};

class Value {
 public:
  static Value Boolean(bool b);
  static Value Integer(int64_t i);
  static Value Decimal(fhirpath::Decimal d);
  static Value String(std::string s);
  // A String that points into the resource's Json instead of copying it: FHIR
  // string primitives become System Strings on every comparison, and this keeps
  // that free. REQUIRES: s outlives the Value (as for node values).
  static Value BorrowedString(std::string_view s);
  static Value Temporal(fhirpath::Temporal t);  // kind from t.kind
  static Value Quantity(fhirpath::Quantity q);
  static Value Node(NodeRef node);

  ValueKind kind() const {
    switch (data_.index()) {
      case 0: return ValueKind::kBoolean;
      case 1: return ValueKind::kInteger;
      case 2: return ValueKind::kDecimal;
      case 4: return TemporalValueKind(std::get<fhirpath::Temporal>(data_).kind);
      case 5: return ValueKind::kQuantity;
      case 6: return ValueKind::kNode;
      default: return ValueKind::kString;  // 3 (owned) and 7 (borrowed)
    }
  }
  bool is_node() const { return data_.index() == 6; }

  // REQUIRES: the matching kind.
  bool boolean() const { return std::get<bool>(data_); }
  int64_t integer() const { return std::get<int64_t>(data_); }
  const fhirpath::Decimal& decimal() const { return std::get<fhirpath::Decimal>(data_); }
  std::string_view string() const {
    if (const auto* owned = std::get_if<std::shared_ptr<const std::string>>(&data_)) return **owned;
    return std::get<std::string_view>(data_);
  }
  const fhirpath::Temporal& temporal() const { return std::get<fhirpath::Temporal>(data_); }
  const fhirpath::Quantity& quantity() const { return *std::get<std::shared_ptr<const fhirpath::Quantity>>(data_); }
  const NodeRef& node() const { return std::get<NodeRef>(data_); }

  // The FHIR type name of a node ("date", "HumanName", "Patient"), or the System type
  // name of a System value ("Boolean", "Quantity").
  std::string_view TypeName() const;
  // Whether the type namespace is System (true) or FHIR (false).
  bool IsSystemValue() const { return !is_node(); }

  // A FHIR primitive node (and a FHIR Quantity node) converted to its System value;
  // nullopt for complex nodes or primitives that fail to parse. System values are
  // returned unchanged.
  std::optional<Value> AsSystem() const;

 private:
  Value() = default;
  static ValueKind TemporalValueKind(TemporalKind k) {
    return k == TemporalKind::kDate       ? ValueKind::kDate
           : k == TemporalKind::kDateTime ? ValueKind::kDateTime
                                          : ValueKind::kTime;
  }
  // The kind is the variant's alternative (and a Temporal's own kind): no separate
  // field, which keeps a Value at 48 bytes. Keep the alternatives' order in sync
  // with kind().
  std::variant<bool, int64_t, fhirpath::Decimal, std::shared_ptr<const std::string>,
               fhirpath::Temporal, std::shared_ptr<const fhirpath::Quantity>, NodeRef, std::string_view>
      data_;
};

// Most FHIRPath collections hold zero or one item; keeping one inline avoids a
// heap allocation per evaluation step.
using Collection = absl::InlinedVector<Value, 1>;

// The JSON form used by `vigil fhirpath`: System values as JSON scalars (Decimals as
// numbers with their scale, dates as strings, Quantities as FHIR Quantity objects),
// nodes as their FHIR JSON (primitives as scalars).
fhir::Json ToJson(const Value& value);
fhir::Json ToJson(const Collection& collection);

}  // namespace vigil::fhirpath

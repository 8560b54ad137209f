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

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
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

  Value(const Value& o) : kind_(o.kind_), payload_(o.payload_), shared_(o.shared_) { Retain(); }
  Value(Value&& o) noexcept : kind_(o.kind_), payload_(o.payload_), shared_(o.shared_) {
    o.shared_ = nullptr;
  }
  Value& operator=(const Value& o) {
    if (this != &o) {
      o.Retain();
      Release();
      kind_ = o.kind_;
      payload_ = o.payload_;
      shared_ = o.shared_;
    }
    return *this;
  }
  Value& operator=(Value&& o) noexcept {
    if (this != &o) {
      Release();
      kind_ = o.kind_;
      payload_ = o.payload_;
      shared_ = o.shared_;
      o.shared_ = nullptr;
    }
    return *this;
  }
  ~Value() { Release(); }

  ValueKind kind() const { return kind_; }
  bool is_node() const { return kind_ == ValueKind::kNode; }

  // REQUIRES: the matching kind.
  bool boolean() const { return payload_.boolean; }
  int64_t integer() const { return payload_.integer; }
  const fhirpath::Decimal& decimal() const { return payload_.decimal; }
  std::string_view string() const { return {payload_.string.data, payload_.string.size}; }
  const fhirpath::Temporal& temporal() const { return payload_.temporal; }
  const fhirpath::Quantity& quantity() const { return *payload_.quantity; }
  const NodeRef& node() const { return payload_.node; }

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
  // The heap part of an owned String or a Quantity, shared between copies.
  struct Shared {
    std::atomic<int> refs{1};
    virtual ~Shared() = default;
  };
  struct SharedString;
  struct SharedQuantity;

  // A tagged union rather than std::variant: every alternative is trivially
  // copyable, so copying and destroying a Value is a few moves and one branch
  // (values are copied and dropped at every evaluation step).
  union Payload {
    Payload() : integer(0) {}
    bool boolean;
    int64_t integer;
    fhirpath::Decimal decimal;
    fhirpath::Temporal temporal;
    NodeRef node;
    struct {
      const char* data;
      size_t size;
    } string;                            // borrowed, or owned by shared_
    const fhirpath::Quantity* quantity;  // owned by shared_
  };

  static_assert(std::is_trivially_copyable_v<fhirpath::Decimal> &&
                std::is_trivially_copyable_v<fhirpath::Temporal> &&
                std::is_trivially_copyable_v<NodeRef>);

  Value() = default;
  void Retain() const {
    if (shared_ != nullptr) shared_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void Release() {
    if (shared_ != nullptr) ReleaseShared();  // the rare case stays out of line
  }
  void ReleaseShared();

  ValueKind kind_ = ValueKind::kBoolean;
  Payload payload_;
  Shared* shared_ = nullptr;
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

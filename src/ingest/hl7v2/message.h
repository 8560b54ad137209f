// A parsed HL7 v2 message: segments, fields, repetitions, components and
// sub-components, kept as the message wrote them (escaped) and decoded on access.
//
// Field paths (Message::Get) are 1-based, as HL7 numbers them:
//
//   SEG[(n)]-F[[r]][.C[.S]]
//
//   "PID-5"          PID-5, first repetition, first component, first sub-component
//   "PID-3[2].4.1"   second repetition of PID-3, component 4 (CX.4), sub-component 1
//   "OBX(3)-5"       field 5 of the third OBX segment
//
// Omitted parts default to 1, so Get always returns one leaf (primitive) value,
// unescaped (escape.h). MSH-1 and MSH-2 (and FHS/BHS-1, -2) are the delimiters
// themselves and are returned literally. An absent element reads as "" — HL7
// does not distinguish "not sent" from "empty"; the explicit null `""` is
// returned as the two characters `""` (the mapping treats it as empty).
//
// Thread-safety: a Message is immutable after parsing; share it freely.
//
// Example:
//   absl::StatusOr<Message> m = ParseMessage(text);   // parser.h
//   std::string mrn = m->Get("PID-3.1");               // "12345"
//   for (const Segment* obx : m->FindAll("OBX")) obx->Field(5).Text();
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace vigil::hl7v2 {

// The message's delimiters (MSH-1, MSH-2). escape and subcomponent are '\0'
// when MSH-2 does not define them; then nothing is unescaped or split there.
struct Delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
};

// A view of one element of a field: the whole field, one repetition, one
// component or one sub-component. Cheap to copy; points into its Segment,
// which must outlive it.
class Element {
 public:
  enum class Level { kField, kRepetition, kComponent, kSubcomponent };

  Element() = default;  // an absent element: empty, and so is every part of it
  Element(std::string_view raw, const Delimiters* delimiters, Level level, bool literal)
      : raw_(raw), delimiters_(delimiters), level_(level), literal_(literal) {}

  // The n-th (1-based) part one level down; an absent part is empty.
  // Rep() applies to a field; Comp() to a field (its first repetition) or a
  // repetition; Sub() to a component (or anything above it, via its first parts).
  Element Rep(int n) const;
  Element Comp(int n) const;
  Element Sub(int n) const;
  // Number of repetitions (of a field; 0 when empty) or components (of a
  // repetition) — the count the raw text shows.
  int RepCount() const;
  int CompCount() const;

  // The first leaf's text, unescaped ("" when absent).
  std::string Text() const;
  // The element as written: delimiters and escape sequences kept.
  std::string_view raw() const { return raw_; }
  bool empty() const { return raw_.empty(); }

 private:
  Element Down(Level to, char delimiter, int n) const;

  std::string_view raw_;
  const Delimiters* delimiters_ = nullptr;
  Level level_ = Level::kField;
  bool literal_ = false;  // MSH-1/MSH-2: never split or unescaped
};

// One segment. Field 0 is the segment name; for MSH/FHS/BHS field 1 is the
// field separator and field 2 the encoding characters.
class Segment {
 public:
  Segment(std::string name, std::vector<std::string> fields, int line)
      : name_(std::move(name)), fields_(std::move(fields)), line_(line) {}

  const std::string& name() const { return name_; }
  // The highest field number present.
  int field_count() const { return static_cast<int>(fields_.size()); }
  // Field n (1-based); empty beyond the end. delimiters must outlive the result.
  Element Field(int n, const Delimiters& delimiters) const;
  // Line of the input where the segment starts (1-based).
  int line() const { return line_; }

 private:
  std::string name_;
  std::vector<std::string> fields_;  // fields_[0] is field 1
  int line_;
};

// A parsed field path (see the file comment). All numbers are 1-based.
struct FieldPath {
  std::string segment;
  int occurrence = 1;
  int field = 1;
  int repetition = 1;
  int component = 1;
  int subcomponent = 1;
};

// InvalidArgument when path does not follow SEG[(n)]-F[[r]][.C[.S]].
absl::StatusOr<FieldPath> ParseFieldPath(std::string_view path);

class Message {
 public:
  Message(Delimiters delimiters, std::vector<Segment> segments)
      : delimiters_(delimiters), segments_(std::move(segments)) {}
  // Elements point into delimiters_; a copied Message gets its own.
  Message(const Message&) = default;
  Message& operator=(const Message&) = default;

  const Delimiters& delimiters() const { return delimiters_; }
  const std::vector<Segment>& segments() const { return segments_; }

  // The occurrence-th (1-based) segment named name, or nullptr.
  const Segment* Find(std::string_view name, int occurrence = 1) const;
  std::vector<const Segment*> FindAll(std::string_view name) const;
  // 1-based occurrence of seg among the segments with its name (for ERR-2).
  int OccurrenceOf(const Segment& seg) const;

  // Field n of seg, bound to this message's delimiters.
  Element Field(const Segment& seg, int n) const { return seg.Field(n, delimiters_); }
  // The decoded leaf at path ("" when absent or path is malformed).
  std::string Get(std::string_view path) const;

  // MSH-9.1, MSH-9.2, MSH-10, MSH-12.1.
  std::string MessageCode() const { return Get("MSH-9.1"); }
  std::string TriggerEvent() const { return Get("MSH-9.2"); }
  std::string ControlId() const { return Get("MSH-10"); }
  std::string Version() const { return Get("MSH-12"); }

 private:
  Delimiters delimiters_;
  std::vector<Segment> segments_;
};

}  // namespace vigil::hl7v2

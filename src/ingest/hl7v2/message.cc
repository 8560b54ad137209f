#include "ingest/hl7v2/message.h"

#include <algorithm>
#include <charconv>

#include "base/str.h"
#include "ingest/hl7v2/escape.h"

namespace vigil::hl7v2 {
namespace {

// The n-th (1-based) part of raw split at delimiter ('\0': no splitting).
std::string_view Part(std::string_view raw, char delimiter, int n) {
  if (n < 1) return {};
  if (delimiter == '\0') return n == 1 ? raw : std::string_view();
  size_t start = 0;
  for (int i = 1; i < n; ++i) {
    size_t next = raw.find(delimiter, start);
    if (next == std::string_view::npos) return {};
    start = next + 1;
  }
  size_t end = raw.find(delimiter, start);
  return raw.substr(start, end == std::string_view::npos ? raw.size() - start : end - start);
}

int CountParts(std::string_view raw, char delimiter) {
  if (raw.empty()) return 0;
  if (delimiter == '\0') return 1;
  return 1 + static_cast<int>(std::count(raw.begin(), raw.end(), delimiter));
}

// Reads a positive decimal number at the front of *s (at most 6 digits).
bool TakeNumber(std::string_view* s, int* out) {
  size_t n = 0;
  while (n < s->size() && n < 7 && (*s)[n] >= '0' && (*s)[n] <= '9') ++n;
  if (n == 0 || n > 6) return false;
  std::from_chars(s->data(), s->data() + n, *out);
  s->remove_prefix(n);
  return *out >= 1;
}

bool TakeChar(std::string_view* s, char c) {
  if (s->empty() || s->front() != c) return false;
  s->remove_prefix(1);
  return true;
}

}  // namespace

Element Element::Down(Level to, char delimiter, int n) const {
  if (literal_)
    return n == 1 ? Element(raw_, delimiters_, to, true) : Element({}, delimiters_, to, true);
  return Element(Part(raw_, delimiter, n), delimiters_, to, false);
}

Element Element::Rep(int n) const {
  if (delimiters_ == nullptr) return Element();
  if (level_ != Level::kField) return n == 1 ? *this : Element({}, delimiters_, level_, literal_);
  return Down(Level::kRepetition, delimiters_->repetition, n);
}

Element Element::Comp(int n) const {
  if (delimiters_ == nullptr) return Element();
  if (level_ == Level::kField) return Rep(1).Comp(n);
  if (level_ != Level::kRepetition)
    return n == 1 ? *this : Element({}, delimiters_, level_, literal_);
  return Down(Level::kComponent, delimiters_->component, n);
}

Element Element::Sub(int n) const {
  if (delimiters_ == nullptr) return Element();
  if (level_ == Level::kField || level_ == Level::kRepetition) return Comp(1).Sub(n);
  if (level_ != Level::kComponent)
    return n == 1 ? *this : Element({}, delimiters_, level_, literal_);
  return Down(Level::kSubcomponent, delimiters_->subcomponent, n);
}

int Element::RepCount() const {
  if (delimiters_ == nullptr) return 0;
  if (level_ != Level::kField || literal_) return raw_.empty() ? 0 : 1;
  return CountParts(raw_, delimiters_->repetition);
}

int Element::CompCount() const {
  if (delimiters_ == nullptr) return 0;
  if (level_ == Level::kField) return Rep(1).CompCount();
  if (level_ != Level::kRepetition || literal_) return raw_.empty() ? 0 : 1;
  return CountParts(raw_, delimiters_->component);
}

std::string Element::Text() const {
  if (delimiters_ == nullptr) return {};
  Element leaf = Sub(1);
  if (literal_) return std::string(leaf.raw_);
  return Unescape(leaf.raw_, *delimiters_);
}

Element Segment::Field(int n, const Delimiters& delimiters) const {
  if (n < 1 || n > field_count()) return Element({}, &delimiters, Element::Level::kField, false);
  bool literal = n <= 2 && (name_ == "MSH" || name_ == "FHS" || name_ == "BHS");
  return Element(fields_[n - 1], &delimiters, Element::Level::kField, literal);
}

absl::StatusOr<FieldPath> ParseFieldPath(std::string_view path) {
  FieldPath p;
  std::string_view s = path;
  auto bad = [&] {
    return absl::InvalidArgumentError(StrCat(
        "invalid field path '", path, "': expected SEG[(n)]-F[[r]][.C[.S]], e.g. PID-3[2].4.1"));
  };
  if (s.size() < 3) return bad();
  p.segment = std::string(s.substr(0, 3));
  s.remove_prefix(3);
  if (TakeChar(&s, '(') && (!TakeNumber(&s, &p.occurrence) || !TakeChar(&s, ')'))) return bad();
  if (!TakeChar(&s, '-') || !TakeNumber(&s, &p.field)) return bad();
  if (TakeChar(&s, '[') && (!TakeNumber(&s, &p.repetition) || !TakeChar(&s, ']'))) return bad();
  if (TakeChar(&s, '.') && !TakeNumber(&s, &p.component)) return bad();
  if (TakeChar(&s, '.') && !TakeNumber(&s, &p.subcomponent)) return bad();
  if (!s.empty()) return bad();
  return p;
}

const Segment* Message::Find(std::string_view name, int occurrence) const {
  for (const Segment& seg : segments_) {
    if (seg.name() == name && --occurrence == 0) return &seg;
  }
  return nullptr;
}

std::vector<const Segment*> Message::FindAll(std::string_view name) const {
  std::vector<const Segment*> out;
  for (const Segment& seg : segments_) {
    if (seg.name() == name) out.push_back(&seg);
  }
  return out;
}

int Message::OccurrenceOf(const Segment& target) const {
  int n = 0;
  for (const Segment& seg : segments_) {
    if (seg.name() == target.name()) ++n;
    if (&seg == &target) return n;
  }
  return 0;
}

std::string Message::Get(std::string_view path) const {
  absl::StatusOr<FieldPath> p = ParseFieldPath(path);
  if (!p.ok()) return {};
  const Segment* seg = Find(p->segment, p->occurrence);
  if (seg == nullptr) return {};
  return Field(*seg, p->field).Rep(p->repetition).Comp(p->component).Sub(p->subcomponent).Text();
}

}  // namespace vigil::hl7v2

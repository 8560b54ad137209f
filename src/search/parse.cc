#include "search/parse.h"

#include <algorithm>
#include <charconv>

#include "base/status.h"
#include "base/str.h"
#include "fhir/model.h"
#include "search/parse_clause.h"

namespace vigil::search {
namespace {

using internal::ParseClause;
using internal::RowKindOf;

absl::Status Bad(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

// Parameters R4 defines that Vigil does not support yet.
constexpr std::string_view kUnsupported[] = {"_contained", "_containedType", "_list",    "_filter",
                                             "_query",     "_text",          "_content", "_type"};

std::vector<std::string_view> SplitComma(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::string_view part : internal::SplitUnescaped(s, ',')) {
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

absl::StatusOr<size_t> NonNegative(std::string_view name, std::string_view value) {
  size_t n = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc() || p != value.data() + value.size()) {
    return Bad(StrCat("the value of ", name, " must be a non-negative integer, not '", value, "'"));
  }
  return n;
}

// Collects the parsed pieces, then assembles ParsedSearch.
class Parser {
 public:
  Parser(const Registry& registry, std::string_view type, const SearchOptions& options)
      : registry_(registry), type_(type), options_(options) {
    out_.query.type = std::string(type);
    out_.query.count = options.default_count;
  }

  absl::Status Add(const std::string& name, const std::string& value);
  ParsedSearch Finish();

 private:
  absl::Status Ignore(const absl::Status& not_found) {
    if (options_.strict) return Bad(std::string(Message(not_found)));
    out_.warnings.push_back(StrCat(Message(not_found), " ignored"));
    return absl::OkStatus();
  }
  absl::Status AddSort(std::string_view value);
  absl::Status AddInclude(std::string_view name, std::string_view value, bool reverse);
  absl::Status AddIncludeAll(std::string_view name, std::string_view value,
                             std::string_view source_type, bool iterate);
  absl::Status AddSummary(std::string_view value);
  absl::Status AddTotal(std::string_view value);

  const Registry& registry_;
  std::string_view type_;
  const SearchOptions& options_;
  ParsedSearch out_;
  std::vector<std::pair<std::string, std::string>> filters_, includes_, revincludes_;
  std::vector<std::string> sort_texts_;
  std::string total_text_;
};

absl::Status Parser::AddSort(std::string_view value) {
  for (std::string_view key : SplitComma(value)) {
    bool descending = key.starts_with('-');
    if (descending) key.remove_prefix(1);
    store::SortKey sort{std::string(key), store::RowKind::kId, descending};
    if (key != "_id") {
      const ParamDef* def = registry_.Find(type_, key);
      std::optional<store::RowKind> kind = def == nullptr ? std::nullopt : RowKindOf(def->type);
      if (!kind || !def->indexed() || def->type == ParamType::kComposite) {
        return Bad(
            StrCat("cannot sort by '", key, "': not a sortable search parameter of ", type_));
      }
      sort.kind = *kind;
      internal::ReadRowsOf(*def, sort);
    }
    sort_texts_.push_back(StrCat(descending ? "-" : "", key));
    out_.query.sort.push_back(std::move(sort));
  }
  return absl::OkStatus();
}

absl::Status Parser::AddInclude(std::string_view name, std::string_view value, bool reverse) {
  std::string_view modifier = name.substr(std::min(name.size(), name.find(':')));
  bool iterate = modifier == ":iterate" || modifier == ":recurse";
  if (!modifier.empty() && !iterate) {
    return Bad(StrCat("unknown modifier '", modifier, "' on ", name.substr(0, name.find(':'))));
  }
  std::vector<std::string_view> parts = internal::SplitUnescaped(value, ':');
  std::string_view base = reverse ? "_revinclude" : "_include";
  if (!reverse && (value == "*" || (parts.size() == 2 && parts[1] == "*"))) {
    return AddIncludeAll(name, value, parts.size() == 2 ? parts[0] : type_, iterate);
  }
  if (parts.size() < 2 || parts.size() > 3) {
    return Bad(StrCat("malformed ", base, " '", value, "': expected Type:param[:TargetType]"));
  }
  Include include{std::string(parts[0]), std::string(parts[1]),
                  parts.size() == 3 ? std::string(parts[2]) : "", iterate};
  const ParamDef* def = registry_.Find(include.source_type, include.param);
  if (def == nullptr || def->type != ParamType::kReference) {
    return Bad(StrCat(base, " '", value, "': '", include.param,
                      "' is not a reference search parameter of '", include.source_type, "'"));
  }
  if (!include.target_type.empty() && !fhir::IsResourceType(include.target_type)) {
    return Bad(StrCat(base, " '", value, "': unknown target type '", include.target_type, "'"));
  }
  if (!iterate && !reverse && include.source_type != type_) {
    return Bad(StrCat("_include '", value, "' must start with ", type_, " (or use :iterate)"));
  }
  (reverse ? revincludes_ : includes_).emplace_back(name, value);
  if (!def->narrows.empty()) {
    // patient: subject's references that target a Patient; no other target.
    if (!include.target_type.empty() && include.target_type != def->narrows_to) {
      return absl::OkStatus();
    }
    include.param = def->narrows;
    include.target_type = def->narrows_to;
  }
  (reverse ? out_.revincludes : out_.includes).push_back(std::move(include));
  return absl::OkStatus();
}

// _include=* / _include=Type:*: every reference parameter of the type, an
// Include with an empty param.
absl::Status Parser::AddIncludeAll(std::string_view name, std::string_view value,
                                   std::string_view source_type, bool iterate) {
  if (registry_.ForType(source_type).empty()) {
    return Bad(StrCat("_include '", value, "': unknown resource type '", source_type, "'"));
  }
  if (!iterate && source_type != type_) {
    return Bad(StrCat("_include '", value, "' must start with ", type_, " (or use :iterate)"));
  }
  out_.includes.push_back({std::string(source_type), "", "", iterate});
  includes_.emplace_back(name, value);
  return absl::OkStatus();
}

absl::Status Parser::AddSummary(std::string_view value) {
  if (value != "true" && value != "count" && value != "data" && value != "text" &&
      value != "false") {
    return Bad(StrCat("the value of _summary must be true, count, data, text or false, not '",
                      value, "'"));
  }
  out_.summary = std::string(value);
  return absl::OkStatus();
}

absl::Status Parser::AddTotal(std::string_view value) {
  if (value == "none") {
    out_.query.total = store::TotalMode::kNone;
  } else if (value == "estimate") {
    out_.query.total = store::TotalMode::kEstimate;
  } else if (value == "accurate") {
    out_.query.total = store::TotalMode::kAccurate;
  } else {
    return Bad(StrCat("the value of _total must be none, estimate or accurate, not '", value, "'"));
  }
  total_text_ = std::string(value);
  return absl::OkStatus();
}

absl::Status Parser::Add(const std::string& name, const std::string& value) {
  if (value.empty() || name == "_format" || name == "_pretty") return absl::OkStatus();
  if (name == "_sort") return AddSort(value);
  if (name == "_count") {
    VIGIL_ASSIGN_OR_RETURN(size_t n, NonNegative(name, value));
    if (n > options_.max_count) {
      out_.warnings.push_back(StrCat("_count ", n, " capped at ", options_.max_count));
      n = options_.max_count;
    }
    out_.query.count = n;
    return absl::OkStatus();
  }
  if (name == "_offset") {
    VIGIL_ASSIGN_OR_RETURN(out_.query.offset, NonNegative(name, value));
    return absl::OkStatus();
  }
  if (name == "_total") return AddTotal(value);
  if (name == "_summary") return AddSummary(value);
  if (name == "_elements") {
    for (std::string_view e : SplitComma(value)) out_.elements.emplace_back(e);
    return absl::OkStatus();
  }
  if (name == "_include" || name.starts_with("_include:")) return AddInclude(name, value, false);
  if (name == "_revinclude" || name.starts_with("_revinclude:")) {
    return AddInclude(name, value, true);
  }
  std::string_view code = std::string_view(name).substr(0, name.find_first_of(":."));
  if (std::find(std::begin(kUnsupported), std::end(kUnsupported), code) != std::end(kUnsupported)) {
    return Ignore(absl::NotFoundError(StrCat("unsupported search parameter '", name, "'")));
  }
  absl::StatusOr<store::Clause> clause = ParseClause(registry_, type_, name, value);
  if (absl::IsNotFound(clause.status())) return Ignore(clause.status());
  if (!clause.ok()) return clause.status();
  out_.query.all_of.push_back(std::move(*clause));
  filters_.emplace_back(name, value);
  return absl::OkStatus();
}

ParsedSearch Parser::Finish() {
  if (out_.summary == "count") out_.query.count = 0;
  auto& self = out_.self_params;
  self = std::move(filters_);
  if (!sort_texts_.empty()) {
    std::string sort;
    for (const std::string& s : sort_texts_) sort += (sort.empty() ? "" : ",") + s;
    self.emplace_back("_sort", std::move(sort));
  }
  self.emplace_back("_count", StrCat(out_.query.count));
  if (!total_text_.empty()) self.emplace_back("_total", total_text_);
  if (!out_.summary.empty()) self.emplace_back("_summary", out_.summary);
  if (!out_.elements.empty()) {
    std::string elements;
    for (const std::string& e : out_.elements) elements += (elements.empty() ? "" : ",") + e;
    self.emplace_back("_elements", std::move(elements));
  }
  self.insert(self.end(), includes_.begin(), includes_.end());
  self.insert(self.end(), revincludes_.begin(), revincludes_.end());
  if (out_.query.offset != 0) self.emplace_back("_offset", StrCat(out_.query.offset));
  return std::move(out_);
}

}  // namespace

absl::StatusOr<ParsedSearch> ParseSearch(const Registry& registry, std::string_view type,
                                         const SearchParams& params, const SearchOptions& options) {
  if (registry.ForType(type).empty()) {
    return Bad(StrCat("unknown resource type '", type, "'"));
  }
  Parser parser(registry, type, options);
  for (const auto& [name, value] : params) VIGIL_RETURN_IF_ERROR(parser.Add(name, value));
  return parser.Finish();
}

}  // namespace vigil::search

#include "fhir/json_patch.h"

#include <charconv>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/str.h"

namespace vigil::fhir {
namespace {

absl::StatusOr<std::vector<std::string>> ParsePointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer.front() != '/') {
    return absl::InvalidArgumentError(StrCat("JSON Pointer '", pointer, "' must start with '/'"));
  }
  size_t start = 1;
  while (true) {
    size_t slash = pointer.find('/', start);
    std::string_view raw = pointer.substr(start, slash == std::string_view::npos ? slash : slash - start);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '~') {
        token += raw[i];
      } else if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[++i] == '0' ? '~' : '/';
      } else {
        return absl::InvalidArgumentError(StrCat("bad escape in JSON Pointer '", pointer, "'"));
      }
    }
    tokens.push_back(std::move(token));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return tokens;
}

absl::StatusOr<size_t> ArrayIndex(const std::string& token, size_t size, bool allow_end) {
  if (allow_end && token == "-") return size;
  size_t index = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
  bool leading_zero = token.size() > 1 && token[0] == '0';
  if (ec != std::errc() || end != token.data() + token.size() || token.empty() || leading_zero ||
      index > size || (index == size && !allow_end)) {
    return absl::InvalidArgumentError(StrCat("array index '", token, "' is out of range"));
  }
  return index;
}

// The value at tokens[0..n), or an error naming the pointer.
absl::StatusOr<Json*> Resolve(Json& root, const std::vector<std::string>& tokens, size_t n,
                              std::string_view pointer) {
  Json* node = &root;
  for (size_t i = 0; i < n; ++i) {
    if (node->is_object()) {
      node = node->Find(tokens[i]);
    } else if (node->is_array()) {
      VIGIL_ASSIGN_OR_RETURN(size_t index, ArrayIndex(tokens[i], node->items().size(), false));
      node = &node->items()[index];
    } else {
      node = nullptr;
    }
    if (node == nullptr) return absl::InvalidArgumentError(StrCat("path '", pointer, "' does not exist"));
  }
  return node;
}

absl::Status Add(Json& root, std::string_view pointer, Json value) {
  VIGIL_ASSIGN_OR_RETURN(auto tokens, ParsePointer(pointer));
  if (tokens.empty()) {
    root = std::move(value);
    return absl::OkStatus();
  }
  VIGIL_ASSIGN_OR_RETURN(Json * parent, Resolve(root, tokens, tokens.size() - 1, pointer));
  const std::string& last = tokens.back();
  if (parent->is_object()) {
    parent->Set(last, std::move(value));
  } else if (parent->is_array()) {
    VIGIL_ASSIGN_OR_RETURN(size_t index, ArrayIndex(last, parent->items().size(), true));
    parent->items().insert(parent->items().begin() + index, std::move(value));
  } else {
    return absl::InvalidArgumentError(StrCat("path '", pointer, "' has no container to add to"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Json> Remove(Json& root, std::string_view pointer) {
  VIGIL_ASSIGN_OR_RETURN(auto tokens, ParsePointer(pointer));
  if (tokens.empty()) return absl::InvalidArgumentError("cannot remove the whole document");
  VIGIL_ASSIGN_OR_RETURN(Json * parent, Resolve(root, tokens, tokens.size() - 1, pointer));
  const std::string& last = tokens.back();
  if (parent->is_object()) {
    Json* member = parent->Find(last);
    if (member == nullptr) return absl::InvalidArgumentError(StrCat("path '", pointer, "' does not exist"));
    Json removed = std::move(*member);
    parent->Erase(last);
    return removed;
  }
  if (parent->is_array()) {
    VIGIL_ASSIGN_OR_RETURN(size_t index, ArrayIndex(last, parent->items().size(), false));
    Json removed = std::move(parent->items()[index]);
    parent->items().erase(parent->items().begin() + index);
    return removed;
  }
  return absl::InvalidArgumentError(StrCat("path '", pointer, "' does not exist"));
}

const std::string* Member(const Json& op, std::string_view name) {
  const Json* member = op.Find(name);
  return member != nullptr && member->is_string() ? &member->text() : nullptr;
}

absl::Status ApplyOne(const Json& op, Json& doc) {
  const std::string* name = Member(op, "op");
  const std::string* path = Member(op, "path");
  if (name == nullptr || path == nullptr) {
    return absl::InvalidArgumentError("each patch operation needs string members 'op' and 'path'");
  }
  const Json* value = op.Find("value");
  auto need_value = [&]() -> absl::Status {
    return value ? absl::OkStatus()
                 : absl::InvalidArgumentError(StrCat("'", *name, "' needs a 'value'"));
  };
  if (*name == "add") {
    VIGIL_RETURN_IF_ERROR(need_value());
    return Add(doc, *path, *value);
  }
  if (*name == "remove") return Remove(doc, *path).status();
  if (*name == "replace") {  // in place: an object member keeps its position
    VIGIL_RETURN_IF_ERROR(need_value());
    VIGIL_ASSIGN_OR_RETURN(auto tokens, ParsePointer(*path));
    VIGIL_ASSIGN_OR_RETURN(Json * target, Resolve(doc, tokens, tokens.size(), *path));
    *target = *value;
    return absl::OkStatus();
  }
  if (*name == "test") {
    VIGIL_RETURN_IF_ERROR(need_value());
    VIGIL_ASSIGN_OR_RETURN(auto tokens, ParsePointer(*path));
    VIGIL_ASSIGN_OR_RETURN(Json * target, Resolve(doc, tokens, tokens.size(), *path));
    if (!(*target == *value)) {
      return absl::FailedPreconditionError(StrCat("test failed: the value at '", *path, "' differs"));
    }
    return absl::OkStatus();
  }
  const std::string* from = Member(op, "from");
  if (from == nullptr || (*name != "move" && *name != "copy")) {
    return absl::InvalidArgumentError(
        from == nullptr && (*name == "move" || *name == "copy")
            ? StrCat("'", *name, "' needs a 'from'")
            : StrCat("unknown patch operation '", *name, "'"));
  }
  if (*name == "move") {
    if (path->starts_with(*from + "/")) {
      return absl::InvalidArgumentError("cannot move a value into one of its own children");
    }
    VIGIL_ASSIGN_OR_RETURN(Json moved, Remove(doc, *from));
    return Add(doc, *path, std::move(moved));
  }
  VIGIL_ASSIGN_OR_RETURN(auto tokens, ParsePointer(*from));
  VIGIL_ASSIGN_OR_RETURN(Json * source, Resolve(doc, tokens, tokens.size(), *from));
  Json copy = *source;
  return Add(doc, *path, std::move(copy));
}

}  // namespace

absl::Status ApplyJsonPatch(const Json& patch, Json& document) {
  if (!patch.is_array()) return absl::InvalidArgumentError("a JSON Patch is an array of operations");
  Json result = document;
  for (size_t i = 0; i < patch.items().size(); ++i) {
    const Json& op = patch.items()[i];
    if (!op.is_object()) return absl::InvalidArgumentError(StrCat("operation ", i, " is not an object"));
    absl::Status applied = ApplyOne(op, result);
    if (!applied.ok()) {
      return absl::Status(applied.code(), StrCat("operation ", i, ": ", Message(applied)));
    }
  }
  document = std::move(result);
  return absl::OkStatus();
}

}  // namespace vigil::fhir

#include "app/view_input.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/str.h"
#include "persist/references.h"

namespace vigil::app {
namespace {

absl::Status AtLocation(std::string_view location, const absl::Status& status) {
  return absl::Status(status.code(), StrCat(location, ": ", Message(status)));
}

bool HasNdjsonName(std::string_view path) {
  return path.ends_with(".ndjson") || path.ends_with(".jsonl");
}

absl::Status ReadNdjson(const std::string& path, const ResourceFn& fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot read '", path, "'"));
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::string location = StrCat(path, ":", number);
    auto resource = fhir::ParseJson(line);
    if (!resource.ok()) {
      return AtLocation(location, absl::InvalidArgumentError(
                                      StrCat("not a JSON resource: ", Message(resource.status()))));
    }
    if (auto s = fn(*resource, location); !s.ok()) return AtLocation(location, s);
  }
  if (in.bad()) return absl::DataLossError(StrCat("error reading '", path, "'"));
  return absl::OkStatus();
}

// urn:uuid fullUrl -> "Type/id" for every entry that has both.
std::map<std::string, std::string, std::less<>> LocalReferences(const fhir::Json& entries) {
  std::map<std::string, std::string, std::less<>> refs;
  for (const fhir::Json& entry : entries.items()) {
    const fhir::Json* url = entry.Find("fullUrl");
    const fhir::Json* resource = entry.Find("resource");
    if (url == nullptr || !url->is_string() || resource == nullptr) continue;
    const fhir::Json* type = resource->Find("resourceType");
    const fhir::Json* id = resource->Find("id");
    if (type == nullptr || id == nullptr || !type->is_string() || !id->is_string()) continue;
    refs.emplace(url->text(), StrCat(type->text(), "/", id->text()));
  }
  return refs;
}

absl::Status ReadBundle(const std::string& path, fhir::Json& bundle, const ResourceFn& fn) {
  fhir::Json* entries = bundle.Find("entry");
  if (entries == nullptr || !entries->is_array()) return absl::OkStatus();
  auto refs = LocalReferences(*entries);
  auto map = [&refs](std::string_view ref) -> absl::StatusOr<std::optional<std::string>> {
    auto it = refs.find(ref);
    if (it == refs.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  };
  for (size_t i = 0; i < entries->items().size(); ++i) {
    fhir::Json* resource = entries->items()[i].Find("resource");
    if (resource == nullptr) continue;
    std::string location = StrCat(path, ": entry ", i);
    if (auto s = persist::RewriteReferences(*resource, map); !s.ok()) {
      return AtLocation(location, s);
    }
    if (auto s = fn(*resource, location); !s.ok()) return AtLocation(location, s);
  }
  return absl::OkStatus();
}

std::string FirstLine(const std::string& text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  size_t end = text.find('\n', start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

absl::Status ForEachResource(const std::string& path, bool flatten_bundles, const ResourceFn& fn) {
  if (HasNdjsonName(path)) return ReadNdjson(path, fn);
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot read '", path, "'"));
  std::ostringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  auto document = fhir::ParseJson(content);
  if (!document.ok()) {
    // Several resources, one per line, in a file not named .ndjson.
    if (fhir::ParseJson(FirstLine(content)).ok()) return ReadNdjson(path, fn);
    return AtLocation(path, document.status());
  }
  const fhir::Json* type = document->Find("resourceType");
  if (flatten_bundles && type != nullptr && type->is_string() && type->text() == "Bundle") {
    return ReadBundle(path, *document, fn);
  }
  if (auto s = fn(*document, path); !s.ok()) return AtLocation(path, s);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      if (!fs::exists(path, ec)) return absl::NotFoundError(StrCat("cannot read '", path, "'"));
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      std::string name = entry.path().string();
      if (entry.is_regular_file() && (name.ends_with(".json") || HasNdjsonName(name))) {
        found.push_back(name);
      }
    }
    if (ec) return absl::NotFoundError(StrCat("cannot read folder '", path, "'"));
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace vigil::app

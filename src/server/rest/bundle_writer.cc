#include "server/rest/bundle_writer.h"

#include "persist/resource_writes.h"

namespace vigil::server {

fhir::Json SearchModeMember(std::string_view mode) {
  fhir::Json search = fhir::Json::Object();
  search.Set("mode", fhir::Json::String(std::string(mode)));
  fhir::Json extra = fhir::Json::Object();
  extra.Set("search", std::move(search));
  return extra;
}

BundleWriter::BundleWriter(std::string_view bundle_type) : type_(bundle_type) {}

void BundleWriter::AddLink(std::string_view relation, std::string_view url) {
  if (!links_.empty()) links_ += ',';
  links_ += "{\"relation\":";
  fhir::AppendJsonString(relation, &links_);
  links_ += ",\"url\":";
  fhir::AppendJsonString(url, &links_);
  links_ += '}';
}

void BundleWriter::AddEntry(std::string_view full_url, std::string_view resource_json,
                            const fhir::Json& extra) {
  if (!entries_.empty()) entries_ += ',';
  entries_ += '{';
  bool first = true;
  if (!full_url.empty()) {
    entries_ += "\"fullUrl\":";
    fhir::AppendJsonString(full_url, &entries_);
    first = false;
  }
  if (!resource_json.empty()) {
    entries_ += first ? "\"resource\":" : ",\"resource\":";
    entries_ += resource_json;
    first = false;
  }
  for (const auto& [name, value] : extra.members()) {
    if (!first) entries_ += ',';
    fhir::AppendJsonString(name, &entries_);
    entries_ += ':';
    fhir::AppendJson(value, false, &entries_);
    first = false;
  }
  entries_ += '}';
}

std::string BundleWriter::Finish(bool pretty) const {
  std::string out = "{\"resourceType\":\"Bundle\",\"id\":";
  fhir::AppendJsonString(persist::RandomUuid(), &out);
  out += ",\"type\":";
  fhir::AppendJsonString(type_, &out);
  if (total_) out += ",\"total\":" + std::to_string(*total_);
  if (!links_.empty()) out += ",\"link\":[" + links_ + "]";
  if (!entries_.empty()) out += ",\"entry\":[" + entries_ + "]";
  out += '}';
  if (!pretty) return out;
  absl::StatusOr<fhir::Json> parsed = fhir::ParseJson(out);
  return parsed.ok() ? fhir::WriteJson(*parsed, true) : out;
}

}  // namespace vigil::server

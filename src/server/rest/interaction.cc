#include "server/rest/interaction.h"

#include <string>
#include <vector>

#include "server/http/url.h"

namespace vigil::server {
namespace {

using Segments = std::vector<std::string_view>;

InteractionKind ClassifyInstance(const Segments& s, std::string_view method) {
  if (s.size() >= 3 && s[2] == "_history") {
    return s.size() == 3 ? InteractionKind{"history-instance", 'R'} : InteractionKind{"vread", 'R'};
  }
  if (s.size() >= 3) return {"search-type", 'E'};  // compartment search
  if (method == "PUT") return {"update", 'U'};
  if (method == "PATCH") return {"patch", 'U'};
  if (method == "DELETE") return {"delete", 'D'};
  return {"read", 'R'};
}

}  // namespace

InteractionKind ClassifyInteraction(std::string_view method, std::string_view path,
                                    std::string_view base_path) {
  Segments s;
  if (path.starts_with(base_path)) s = PathSegments(path.substr(base_path.size()));
  for (std::string_view segment : s) {
    if (segment.starts_with("$")) return {"operation", 'E'};
  }
  if (s.empty()) {
    return method == "POST" ? InteractionKind{"transaction", 'E'} : InteractionKind{"search-system", 'E'};
  }
  if (s[0] == "metadata") return {"capabilities", 'R'};
  if (s[0] == "_history") return {"history-system", 'R'};
  if (s.size() == 1) {
    if (method == "POST") return {"create", 'C'};
    if (method == "PUT") return {"update", 'U'};  // conditional
    if (method == "PATCH") return {"patch", 'U'};
    if (method == "DELETE") return {"delete", 'D'};
    return {"search-type", 'E'};
  }
  if (s[1] == "_search") return {"search-type", 'E'};
  if (s[1] == "_history") return {"history-type", 'R'};
  return ClassifyInstance(s, method);
}

}  // namespace vigil::server

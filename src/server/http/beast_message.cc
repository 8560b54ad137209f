#include "server/http/beast_message.h"

#include <boost/beast/core/string.hpp>
#include <cstdio>
#include <ctime>

#include "server/http/url.h"

namespace vigil::server::http_internal {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool ContainsCloseToken(std::string_view value) {
  // "Connection: close" or a list containing it ("close, foo").
  std::string lower = Lower(value);
  return lower.find("close") != std::string::npos;
}

// RFC 9110 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", cached per thread and
// second. Formatted by hand: strftime's %a and %b follow the locale.
const std::string& HttpDate() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[40];
    std::snprintf(text, sizeof(text), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                  tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    cached = text;
    cached_second = now;
  }
  return cached;
}

}  // namespace

HttpRequest ToHttpRequest(BeastRequest&& request, std::string remote_address) {
  HttpRequest out;
  out.method = std::string(Sv(request.method_string()));
  out.target = std::string(Sv(request.target()));
  std::string_view target = out.target;
  size_t q = target.find('?');
  out.path = PercentDecode(target.substr(0, q), /*plus_as_space=*/false);
  if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));
  out.headers.reserve(static_cast<size_t>(std::distance(request.begin(), request.end())));
  for (const auto& field : request) {
    out.headers.emplace_back(Lower(Sv(field.name_string())), std::string(Sv(field.value())));
  }
  out.body = std::move(request.body());
  out.remote_address = std::move(remote_address);
  return out;
}

BeastResponse ToBeastResponse(HttpResponse&& response, ResponseShape shape,
                              bool* handler_asked_close) {
  *handler_asked_close = false;
  BeastResponse out;
  out.version(shape.version);
  int status = response.status;
  if (status < 200 || status > 599) {
    std::fprintf(stderr, "vigil http: handler returned invalid status %d; sending 500\n", status);
    status = 500;
  }
  out.result(static_cast<unsigned>(status));
  for (auto& [name, value] : response.headers) {
    if (HasLineBreak(name) || HasLineBreak(value) || name.empty()) continue;
    std::string lower = Lower(name);
    if (lower == "content-length" || lower == "transfer-encoding") continue;
    if (lower == "connection") {
      if (ContainsCloseToken(value)) *handler_asked_close = true;
      continue;
    }
    out.insert(name, value);
  }
  if (out.find(bhttp::field::date) == out.end()) out.set(bhttp::field::date, HttpDate());
  bool no_body = status == 204 || status == 304;
  if (!no_body) out.content_length(response.body.size());
  if (!no_body && !shape.head) out.body() = std::move(response.body);
  out.keep_alive(shape.keep_alive && !*handler_asked_close);
  return out;
}

}  // namespace vigil::server::http_internal

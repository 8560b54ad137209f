#include "base/time.h"

#include "base/calendar.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace vigil {
namespace {

std::tm UtcTime(int64_t ms_since_epoch) {
  std::time_t seconds = static_cast<std::time_t>(ms_since_epoch / 1000);
  if (ms_since_epoch < 0 && ms_since_epoch % 1000 != 0) --seconds;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatInstant(int64_t ms_since_epoch) {
  std::tm tm = UtcTime(ms_since_epoch);
  int ms = static_cast<int>(((ms_since_epoch % 1000) + 1000) % 1000);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

std::string FormatHttpDate(int64_t ms_since_epoch) {
  std::tm tm = UtcTime(ms_since_epoch);
  char buf[48];
  // Day and month names are fixed English tokens (RFC 7231), not the locale's.
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

namespace {

// Reads exactly `n` digits at text[*pos]; advances *pos.
std::optional<int> Digits(std::string_view text, size_t* pos, int n) {
  if (*pos + n > text.size()) return std::nullopt;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  return v;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

std::optional<int64_t> ParseFhirDateTimeMs(std::string_view text) {
  size_t pos = 0;
  auto y = Digits(text, &pos, 4);
  if (!y || !Expect(text, &pos, '-')) return std::nullopt;
  auto mo = Digits(text, &pos, 2);
  if (!mo || !Expect(text, &pos, '-')) return std::nullopt;
  auto d = Digits(text, &pos, 2);
  if (!d || *mo < 1 || *mo > 12 || *d < 1 || *d > DaysInMonth(*y, *mo)) return std::nullopt;
  if (pos == text.size()) return EpochMs(*y, *mo, *d, 0, 0, 0, 0);
  if (!Expect(text, &pos, 'T')) return std::nullopt;
  auto h = Digits(text, &pos, 2);
  if (!h || !Expect(text, &pos, ':')) return std::nullopt;
  auto mi = Digits(text, &pos, 2);
  if (!mi || *h > 23 || *mi > 59) return std::nullopt;
  int sec = 0, ms = 0;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    auto s = Digits(text, &pos, 2);
    if (!s || *s > 60) return std::nullopt;
    sec = *s;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int scale = 100, digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        ms += (text[pos++] - '0') * scale;
        scale /= 10;
        ++digits;
      }
      if (digits == 0) return std::nullopt;
    }
  }
  int64_t offset_ms = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos++] == '-' ? -1 : 1;
    auto oh = Digits(text, &pos, 2);
    if (!oh || !Expect(text, &pos, ':')) return std::nullopt;
    auto om = Digits(text, &pos, 2);
    if (!om) return std::nullopt;
    offset_ms = sign * (*oh * kMsPerHour + *om * kMsPerMinute);
  } else if (!Expect(text, &pos, 'Z')) {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  return EpochMs(*y, *mo, *d, *h, *mi, sec, ms) - offset_ms;
}

}  // namespace vigil

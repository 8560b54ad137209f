#include "audit/head_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "audit/log_format.h"
#include "base/str.h"

namespace vigil::audit {
namespace {

constexpr std::string_view kHeadMagic = "VGAHEAD1";

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

absl::StatusOr<Head> ReadHead(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return absl::NotFoundError(StrCat(path, " is missing"));
  std::string text;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() < 4096) text.append(buf, n);
  std::fclose(f);
  if (text.size() < kHeadMagic.size() + 8 + kHeaderSize ||
      std::memcmp(text.data(), kHeadMagic.data(), kHeadMagic.size()) != 0) {
    return absl::DataLossError(StrCat(path, " is malformed"));
  }
  Head head;
  head.offset = GetFixed64(text.data() + kHeadMagic.size());
  head.record = text.substr(kHeadMagic.size() + 8);
  return head;
}

absl::Status WriteHead(const std::string& path, const Head& head) {
  std::string data(kHeadMagic);
  PutFixed64(&data, head.offset);
  data += head.record;
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError(StrCat("cannot create ", tmp));
  bool ok = WriteAll(fd, data) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(StrCat("cannot write ", path));
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

}  // namespace vigil::audit

#include "base/file.h"

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/file_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const char* name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(FileTest, ReadingAMissingFileIsNotFound) {
  absl::StatusOr<std::string> content = ReadFile(Path("missing.txt"));
  EXPECT_EQ(content.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(FileTest, WrittenBytesReadBackExactly) {
  constexpr char kBytes[] = "line one\nline two\r\n\0binary\xff";
  const std::string bytes(kBytes, sizeof kBytes - 1);  // the NUL inside included
  ASSERT_EQ(bytes.size(), 27u);
  ASSERT_TRUE(WriteFileAtomically(Path("a.bin"), bytes).ok());
  EXPECT_EQ(ReadFile(Path("a.bin")).value(), bytes);
  EXPECT_FALSE(fs::exists(Path("a.bin.tmp")));
}

TEST_F(FileTest, WritingReplacesTheWholeOldContent) {
  ASSERT_TRUE(WriteFileAtomically(Path("a.txt"), "a much longer first version").ok());
  ASSERT_TRUE(WriteFileAtomically(Path("a.txt"), "short").ok());
  EXPECT_EQ(ReadFile(Path("a.txt")).value(), "short");
  ASSERT_TRUE(WriteFileAtomically(Path("a.txt"), "").ok());
  EXPECT_EQ(ReadFile(Path("a.txt")).value(), "");
}

TEST_F(FileTest, WritingIntoAMissingFolderIsInternalAndLeavesNoTemporaryFile) {
  absl::Status s = WriteFileAtomically(Path("no/such/dir/a.txt"), "x");
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
  EXPECT_FALSE(fs::exists(Path("no")));
}

}  // namespace
}  // namespace vigil

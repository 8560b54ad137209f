#include "ai/registry/model_registry.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "ai/model/testing.h"
#include "gtest/gtest.h"

namespace vigil::ai {
namespace {

namespace fs = std::filesystem;

class ModelRegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string tmpl = ::testing::TempDir() + "/registry_artifacts_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    artifacts_ = new fs::path(tmpl);
    ASSERT_TRUE(testing::WriteTinyArtifact((*artifacts_ / "a").string(), 99).ok());
    ASSERT_TRUE(testing::WriteTinyArtifact((*artifacts_ / "b").string(), 7).ok());
  }
  static void TearDownTestSuite() {
    fs::remove_all(*artifacts_);
    delete artifacts_;
  }
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/registry_data_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    data_ = tmpl;
    absl::StatusOr<std::unique_ptr<ModelRegistry>> r = ModelRegistry::Open(data_.string());
    ASSERT_TRUE(r.ok()) << r.status();
    registry_ = std::move(*r);
  }
  void TearDown() override {
    registry_.reset();
    fs::permissions(data_, fs::perms::owner_all, fs::perm_options::add);
    for (auto& e : fs::recursive_directory_iterator(data_)) {
      fs::permissions(e.path(), fs::perms::owner_all, fs::perm_options::add);
    }
    fs::remove_all(data_);
  }
  ModelVersion Register(const char* name) {
    absl::StatusOr<ModelVersion> v = registry_->Register((*artifacts_ / name).string());
    EXPECT_TRUE(v.ok()) << v.status();
    return v.value_or(ModelVersion{});
  }

  static fs::path* artifacts_;
  fs::path data_;
  std::unique_ptr<ModelRegistry> registry_;
};

fs::path* ModelRegistryTest::artifacts_ = nullptr;

TEST_F(ModelRegistryTest, RegisteringCopiesTheArtifactReadOnlyUnderAContentId) {
  ModelVersion v = Register("a");
  ASSERT_EQ(v.id.size(), 18u);
  EXPECT_EQ(v.id.substr(0, 2), "m-");
  EXPECT_EQ(v.name, "sepsis-test");
  EXPECT_EQ(v.model_sha256.substr(0, 7), "sha256:");
  EXPECT_EQ(v.data_fingerprint.substr(0, 7), "sha256:");
  EXPECT_NE(v.metrics_json.find("\"auroc\""), std::string::npos);
  EXPECT_EQ(v.path, (data_ / "models" / "versions" / v.id).string());
  EXPECT_TRUE(fs::exists(fs::path(v.path) / "model.json"));
  fs::perms p = fs::status(fs::path(v.path) / "model.json").permissions();
  EXPECT_EQ(p & fs::perms::owner_write, fs::perms::none);
  EXPECT_TRUE(LoadArtifact(v.path).ok());
}

TEST_F(ModelRegistryTest, TheSameArtifactTwiceIsOneVersionAndADifferentOneAnother) {
  ModelVersion a1 = Register("a");
  ModelVersion a2 = Register("a");
  ModelVersion b = Register("b");
  EXPECT_EQ(a1.id, a2.id);
  EXPECT_NE(a1.id, b.id);
  absl::StatusOr<std::vector<ModelVersion>> all = registry_->List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
}

TEST_F(ModelRegistryTest, ADamagedArtifactIsRefused) {
  fs::path broken = data_ / "broken";
  fs::copy(*artifacts_ / "a", broken);
  std::ofstream(broken / "model.json", std::ios::app) << " ";
  absl::StatusOr<ModelVersion> v = registry_->Register(broken.string());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << v.status();
  EXPECT_TRUE(registry_->List()->empty());
}

TEST_F(ModelRegistryTest, AliasesMoveAndRollBackOneStep) {
  ModelVersion a = Register("a");
  ModelVersion b = Register("b");
  EXPECT_EQ(*registry_->Generation(), 0);
  ASSERT_TRUE(registry_->SetAlias(kChampion, a.id).ok());
  absl::StatusOr<AliasMove> moved = registry_->SetAlias(kChampion, b.id);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->previous, a.id);
  EXPECT_EQ(registry_->Resolve(kChampion)->value().id, b.id);
  EXPECT_EQ(*registry_->Generation(), 2);

  absl::StatusOr<AliasMove> back = registry_->Rollback(kChampion);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->version, a.id);
  EXPECT_EQ(back->previous, b.id);
  EXPECT_EQ(registry_->Resolve(kChampion)->value().id, a.id);
  // A second rollback undoes the first.
  ASSERT_TRUE(registry_->Rollback(kChampion).ok());
  EXPECT_EQ(registry_->Resolve(kChampion)->value().id, b.id);
  EXPECT_EQ(registry_->History()->size(), 4u);
}

TEST_F(ModelRegistryTest, ClearingAnAliasAndTheErrors) {
  ModelVersion a = Register("a");
  EXPECT_EQ(registry_->SetAlias(kChallenger, "m-0000000000000000").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(registry_->SetAlias("Champion", a.id).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->Rollback(kChallenger).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(registry_->SetAlias(kChallenger, a.id).ok());
  // Its first move has nothing before it.
  EXPECT_EQ(registry_->Rollback(kChallenger).status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(registry_->SetAlias(kChallenger, "").ok());
  EXPECT_FALSE(registry_->Resolve(kChallenger)->has_value());
  EXPECT_TRUE(registry_->Aliases()->empty());
}

TEST_F(ModelRegistryTest, ASecondHandleOnTheFolderSeesTheMoves) {
  ModelVersion a = Register("a");
  absl::StatusOr<std::unique_ptr<ModelRegistry>> other = ModelRegistry::Open(data_.string());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->SetAlias(kChampion, a.id).ok());
  EXPECT_EQ(*registry_->Generation(), 1);
  EXPECT_EQ(registry_->Resolve(kChampion)->value().id, a.id);
}

TEST(AliasNameTest, LowerCaseLettersDigitsAndDashes) {
  EXPECT_TRUE(ValidAliasName("champion"));
  EXPECT_TRUE(ValidAliasName("canary-2"));
  EXPECT_FALSE(ValidAliasName(""));
  EXPECT_FALSE(ValidAliasName("2x"));
  EXPECT_FALSE(ValidAliasName("a b"));
  EXPECT_FALSE(ValidAliasName(std::string(33, 'a')));
}

}  // namespace
}  // namespace vigil::ai

// The backend-services client registry: what may be registered, the
// clients.json round trip, and a server seeing changes to the file.
#include "auth/client_registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "auth/test_keys.h"
#include "base/file.h"

namespace vigil::auth {
namespace {

using testing::JwksJson;
using testing::TestKey;

constexpr char kCreated[] = "2026-01-03T08:00:00.000Z";

class ClientRegistryTest : public ::testing::Test {
 protected:
  ClientRegistryTest() : key_(TestKey::Ec384("k1")), jwks_(JwksJson({&key_})) {}
  TestKey key_;
  std::string jwks_;
};

TEST_F(ClientRegistryTest, AddedClientsAreFoundWithTheirParsedKeys) {
  ClientRegistry registry;
  ASSERT_TRUE(registry.Add("lab-sync", jwks_, "system/*.rs", kCreated).ok());
  const RegisteredClient* client = registry.Find("lab-sync");
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->scope, "system/*.rs");
  EXPECT_EQ(client->created, kCreated);
  ASSERT_NE(client->keys, nullptr);
  ASSERT_NE(client->keys->Find("k1"), nullptr);
  EXPECT_EQ(registry.Find("lab"), nullptr);
}

TEST_F(ClientRegistryTest, ClientsJsonRoundTrips) {
  ClientRegistry registry;
  ASSERT_TRUE(registry.Add("a", jwks_, "system/*.rs vigil/audit.read", kCreated).ok());
  ASSERT_TRUE(registry.Add("b.2_x-y", jwks_, "system/Observation.c", kCreated).ok());
  absl::StatusOr<ClientRegistry> parsed = ClientRegistry::Parse(registry.ToJson());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->clients().size(), 2u);
  EXPECT_EQ(parsed->clients()[1].client_id, "b.2_x-y");
  EXPECT_EQ(parsed->clients()[0].scope, "system/*.rs vigil/audit.read");
  EXPECT_EQ(parsed->clients()[0].jwks, registry.clients()[0].jwks);
  EXPECT_EQ(parsed->ToJson(), registry.ToJson());
  EXPECT_TRUE(ClientRegistry::Parse("")->clients().empty());
}

TEST_F(ClientRegistryTest, OnlySystemAndRoleScopesMayBeRegistered) {
  EXPECT_TRUE(CheckClientScopes("system/*.rs system/Observation.c vigil/admin system/*.read").ok());
  for (std::string_view bad : {"patient/*.rs", "user/Observation.rs", "openid", "system/Foo.rs",
                               "system/*.rw", "", "   "}) {
    EXPECT_EQ(CheckClientScopes(bad).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  ClientRegistry registry;
  EXPECT_EQ(registry.Add("a", jwks_, "system/*.rs patient/*.rs", kCreated).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(registry.clients().empty());
}

TEST_F(ClientRegistryTest, BadIdsKeysAndDuplicatesAreRefused) {
  ClientRegistry registry;
  for (std::string id : {std::string(""), std::string("a b"), std::string("a/b"), std::string("ü"),
                         std::string(65, 'a')}) {
    EXPECT_EQ(registry.Add(id, jwks_, "system/*.rs", kCreated).code(),
              absl::StatusCode::kInvalidArgument)
        << id;
  }
  EXPECT_TRUE(registry.Add(std::string(64, 'a'), jwks_, "system/*.rs", kCreated).ok());
  EXPECT_EQ(registry.Add("x", "not json", "system/*.rs", kCreated).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Add("x", R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})", "system/*.rs", kCreated)
                .code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(registry.Add("x", jwks_, "system/*.rs", kCreated).ok());
  EXPECT_EQ(registry.Add("x", jwks_, "system/*.rs", kCreated).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(ClientRegistryTest, RemoveForgetsTheClient) {
  ClientRegistry registry;
  ASSERT_TRUE(registry.Add("a", jwks_, "system/*.rs", kCreated).ok());
  EXPECT_TRUE(registry.Remove("a").ok());
  EXPECT_EQ(registry.Find("a"), nullptr);
  EXPECT_EQ(registry.Remove("a").code(), absl::StatusCode::kNotFound);
}

TEST_F(ClientRegistryTest, ABrokenFileIsRefusedNamingTheEntry) {
  absl::StatusOr<ClientRegistry> parsed =
      ClientRegistry::Parse(R"({"clients":[{"client_id":"a","scope":"system/*.rs"}]})");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("clients[0]"), absl::string_view::npos);
  EXPECT_FALSE(ClientRegistry::Parse("[]").ok());
}

TEST(NewClientIdTest, IdsAreRandomHex) {
  std::string a = NewClientId(), b = NewClientId();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

TEST_F(ClientRegistryTest, RegistryFileSeesClientsAddedAndRemoved) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("vigil-clients-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string path = dir + "/clients.json";
  ClientRegistryFile file(path);
  absl::StatusOr<std::shared_ptr<const ClientRegistry>> empty = file.Current();
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE((*empty)->clients().empty());

  ClientRegistry registry;
  ASSERT_TRUE(registry.Add("a", jwks_, "system/*.rs", kCreated).ok());
  ASSERT_TRUE(WriteFileAtomically(path, registry.ToJson()).ok());
  absl::StatusOr<std::shared_ptr<const ClientRegistry>> one = file.Current();
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_NE((*one)->Find("a"), nullptr);
  EXPECT_EQ(file.Current()->get(), one->get());  // unchanged file: not re-read

  ASSERT_TRUE(registry.Remove("a").ok());
  ASSERT_TRUE(WriteFileAtomically(path, registry.ToJson()).ok());
  EXPECT_EQ((*file.Current())->Find("a"), nullptr);

  ASSERT_TRUE(WriteFileAtomically(path, "{broken").ok());
  EXPECT_EQ(file.Current().status().code(), absl::StatusCode::kInvalidArgument);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::auth

// SMART Backend Services in `vigil serve --auth smart` (serve_auth.h):
//   POST /auth/token   client_credentials with a private_key_jwt assertion (auth/token_endpoint.h)
//   GET  /auth/jwks    the public key that verifies the tokens issued
// Both are public: the token endpoint authenticates clients by their
// assertions. Neither the assertion nor the token issued is ever logged.
#include "app/serve_auth.h"

#include <sys/stat.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "app/serve_routes.h"
#include "auth/client_registry.h"
#include "auth/jws_signer.h"
#include "auth/token_endpoint.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "server/http/url.h"

namespace vigil::app {
namespace {

constexpr std::string_view kPrefix = "/auth";
// The jtis of assertions already used (auth::ReplayCache), kept across restarts.
constexpr const char* kUsedJtisFile = "used_jtis.log";
constexpr int64_t kDefaultLifetimeS = 300;
constexpr int64_t kMaxLifetimeS = 3600;

// VIGIL_TOKEN_LIFETIME_S: seconds the tokens issued are valid (default 300).
absl::StatusOr<int64_t> TokenLifetime() {
  const char* env = std::getenv("VIGIL_TOKEN_LIFETIME_S");
  if (env == nullptr || *env == '\0') return kDefaultLifetimeS;
  std::string_view text(env);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > kMaxLifetimeS) {
    return absl::InvalidArgumentError(
        StrCat("VIGIL_TOKEN_LIFETIME_S must be 1 to ", kMaxLifetimeS, " seconds"));
  }
  return value;
}

server::HttpResponse Reply(int status, std::string body) {
  server::HttpResponse response = JsonResponse(status, std::move(body));
  // RFC 6749 §5.1: token responses must not be cached.
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Pragma", "no-cache");
  return response;
}

server::HttpResponse OAuthError(int status, std::string_view error, std::string_view why) {
  auth::TokenReply reply = auth::TokenEndpoint::Error(error, why);
  return Reply(status, std::move(reply.body));
}

bool IsForm(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  if (media.size() != kForm.size()) return false;
  for (size_t i = 0; i < kForm.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(media[i])) != kForm[i]) return false;
  }
  return true;
}

server::HttpResponse Token(auth::TokenEndpoint& endpoint, const server::HttpRequest& request) {
  if (request.method != "POST") {
    server::HttpResponse response = OAuthError(405, "invalid_request", "use POST");
    response.headers.emplace_back("Allow", "POST");
    return response;
  }
  if (!IsForm(request.Header("content-type"))) {
    return OAuthError(400, "invalid_request",
                      "the body must be application/x-www-form-urlencoded parameters");
  }
  auth::TokenReply reply = endpoint.Handle(server::ParseQueryString(request.body));
  if (!reply.internal_error.empty()) {
    std::fprintf(stderr, "vigil serve: token endpoint: %s\n", reply.internal_error.c_str());
  }
  return Reply(reply.status, std::move(reply.body));
}

server::HttpResponse Jwks(const std::string& jwks, const server::HttpRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    server::HttpResponse response = JsonResponse(405, R"({"error":"use GET"})");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  server::HttpResponse response = JsonResponse(200, jwks);
  response.headers.emplace_back("Cache-Control", "max-age=300");
  return response;
}

}  // namespace

std::string AuthDir(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "auth").string();
}

absl::Status MakeAuthDir(const std::string& data_dir) {
  std::string dir = AuthDir(data_dir);
  std::error_code ec;
  if (std::filesystem::create_directories(dir, ec)) {
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  }
  if (ec || !std::filesystem::is_directory(dir)) {
    return absl::InternalError(StrCat("cannot create ", dir));
  }
  return absl::OkStatus();
}

std::string AuthBaseUrl(std::string_view base_url) {
  while (base_url.ends_with('/')) base_url.remove_suffix(1);
  if (base_url.ends_with("/fhir")) {
    return StrCat(base_url.substr(0, base_url.size() - 5), kPrefix);
  }
  size_t scheme = base_url.find("://");
  size_t path = base_url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  return StrCat(base_url.substr(0, path), kPrefix);
}

absl::Status TrustOwnTokens(const std::string& data_dir, server::FhirApiOptions* options) {
  VIGIL_RETURN_IF_ERROR(MakeAuthDir(data_dir));
  VIGIL_ASSIGN_OR_RETURN(auth::JwsSigner signer, auth::JwsSigner::LoadOrCreate(AuthDir(data_dir)));
  VIGIL_ASSIGN_OR_RETURN(auth::JwkSet keys, auth::JwkSet::Parse(signer.JwksJson()));
  auth::ClaimsPolicy own;
  own.issuer = AuthBaseUrl(options->base_url);
  own.audience = options->base_url;
  own.skew_s = 0;  // issued and checked by the same clock: a token lives exactly its lifetime
  if (options->verifier) {
    VIGIL_ASSIGN_OR_RETURN(auth::TokenVerifier both,
                           options->verifier->WithIssuer(std::move(keys), own));
    options->verifier = std::make_shared<const auth::TokenVerifier>(std::move(both));
  } else {
    auth::TokenVerifierOptions verifier;
    verifier.claims = own;
    options->verifier = std::make_shared<const auth::TokenVerifier>(std::move(keys), verifier);
  }
  if (options->smart.issuer.empty()) {
    options->smart.issuer = own.issuer;
    options->smart.token_endpoint = StrCat(own.issuer, "/token");
    options->smart.jwks_uri = StrCat(own.issuer, "/jwks");
  }
  return absl::OkStatus();
}

absl::Status AddAuthRoutes(ServeContext& ctx, server::Router& router) {
  if (!ctx.verifier) return absl::OkStatus();  // no --auth: no tokens to issue
  VIGIL_ASSIGN_OR_RETURN(int64_t lifetime_s, TokenLifetime());
  std::string dir = AuthDir(ctx.data_dir);
  VIGIL_ASSIGN_OR_RETURN(auth::JwsSigner signer, auth::JwsSigner::LoadOrCreate(dir));
  std::string jwks = signer.JwksJson();
  auth::TokenEndpointOptions options;
  options.issuer = AuthBaseUrl(ctx.base_url);
  options.token_url = StrCat(options.issuer, "/token");
  options.audience = ctx.base_url;
  options.token_lifetime_s = lifetime_s;
  auto clients = std::make_shared<auth::ClientRegistryFile>(
      (std::filesystem::path(dir) / auth::kClientsFile).string());
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<auth::ReplayCache> replays,
                         auth::ReplayCache::Open((std::filesystem::path(dir) / kUsedJtisFile).string(),
                                                 NowSeconds()));
  auto endpoint = std::make_shared<auth::TokenEndpoint>(
      std::move(signer), [clients] { return clients->Current(); }, std::move(options),
      std::move(replays));
  // Audited: a refused token request is a failed authentication attempt.
  router.Add(std::string(kPrefix), Audited(ctx, [endpoint, jwks](const server::HttpRequest& request) {
    try {
      if (request.path == "/auth/token") return Token(*endpoint, request);
      if (request.path == "/auth/jwks") return Jwks(jwks, request);
      return JsonResponse(404, R"({"error":"not found: /auth/token and /auth/jwks are served"})");
    } catch (const std::exception&) {
      // Never the exception text: it could hold request data.
      return Reply(500, R"({"error":"server_error"})");
    }
  }));
  return absl::OkStatus();
}

}  // namespace vigil::app

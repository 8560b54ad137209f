// `vigil serve`: the FHIR server on the embedded store.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/commands.h"
#include "app/data_dir.h"
#include "app/import_run.h"
#include "app/serve_audit.h"
#include "app/serve_auth.h"
#include "app/serve_context.h"
#include "app/serve_routes.h"
#include "app/serve_mllp.h"
#include "app/serve_mqtt.h"
#include "auth/jwks.h"
#include "auth/token_verifier.h"
#include "base/status.h"
#include "base/str.h"
#include "events/event_bus.h"
#include "metrics/server_metrics.h"
#include "search/registry.h"
#include "server/http/cors.h"
#include "server/http/http_server.h"
#include "server/http/rate_limit.h"
#include "server/http/router.h"
#include "server/net/tls.h"
#include "server/rest/fhir_api.h"
#include "server/rest/outcome.h"
#include "synth/generator.h"

namespace vigil::app {
namespace {

struct ServeArgs {
  std::string data;
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  int threads = 0;
  int read_timeout_s = 30;
  bool no_validate = false;
  bool no_demo = false;
  std::string base_url;
  std::string auth;  // "" (none) or "smart"
  std::string issuer;
  std::string audience;
  std::string jwks;  // JWKS file
  bool insecure_listen_anywhere = false;
  bool no_audit = false;
  int mllp_port = -1;  // -1: no MLLP listener
  int mllp_idle_timeout_s = 600;
  std::string mqtt_url;  // "": no MQTT subscriber
  std::vector<std::string> mqtt_topics;  // empty: devices/+/vitals
  std::string model;  // --model: artifact folder; enables live scoring
  bool log_events = false;
  std::vector<std::string> cors_origins;  // --cors-origin: browser origins allowed to call
  std::vector<std::string> rules = {"news2"};  // --rules: bedside scores beside the model
  double rate_limit = 0;  // --rate-limit: requests per second per client; 0 = none
  std::string tls_cert;   // --tls-cert: PEM certificate (chain); HTTPS and MLLP/TLS
  std::string tls_key;    // --tls-key: its PEM private key
  std::string subscription_ca;  // --subscription-ca: extra CA for https:// rest-hook endpoints
};

bool IsLoopback(const std::string& host) {
  return host.starts_with("127.") || host == "::1" || host == "localhost";
}

// The verifier of an external authorization server's tokens (--auth smart
// --issuer --audience --jwks); null without --auth or without an external
// server. The server's own tokens are added once its URL is known
// (TrustOwnTokens, serve_auth.h). Errors: a missing option or a JWKS file
// that cannot be read or trusted.
absl::StatusOr<std::shared_ptr<const auth::TokenVerifier>> MakeVerifier(const ServeArgs& args) {
  if (args.auth.empty()) return nullptr;
  if (args.issuer.empty() && args.audience.empty() && args.jwks.empty()) return nullptr;
  if (args.issuer.empty() || args.audience.empty() || args.jwks.empty()) {
    return absl::InvalidArgumentError(
        "--auth smart with an external authorization server needs --issuer, --audience and "
        "--jwks (with none of them, vigil serve accepts the tokens of its own /auth/token)");
  }
  std::ifstream file(args.jwks, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) return absl::InvalidArgumentError(StrCat("cannot read the JWKS file ", args.jwks));
  absl::StatusOr<auth::JwkSet> keys = auth::JwkSet::Parse(text.str());
  if (!keys.ok()) {
    return absl::InvalidArgumentError(StrCat(args.jwks, ": ", Message(keys.status())));
  }
  auth::TokenVerifierOptions options;
  options.claims.issuer = args.issuer;
  options.claims.audience = args.audience;
  return std::make_shared<const auth::TokenVerifier>(*std::move(keys), std::move(options));
}

// --tls-cert and --tls-key: the listeners' TLS context; null with neither.
// Errors: one without the other, a file that cannot be read or holds no PEM,
// a key that is not the certificate's.
absl::StatusOr<std::shared_ptr<net::TlsContext>> ServerTls(const ServeArgs& args) {
  if (args.tls_cert.empty() && args.tls_key.empty()) return nullptr;
  if (args.tls_cert.empty() || args.tls_key.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key go together: give both (HTTPS, and MLLP over TLS) or neither");
  }
  return net::TlsContext::ForServer(args.tls_cert, args.tls_key);
}

// --subscription-ca: what https:// rest-hook endpoints are checked against;
// null without it (the system's trusted certificates alone).
absl::StatusOr<std::shared_ptr<net::TlsContext>> SubscriptionTls(const ServeArgs& args) {
  if (args.subscription_ca.empty()) return nullptr;
  return net::TlsContext::ForClient(args.subscription_ca);
}

void LogSecurity(const ServeArgs& args) {
  if (!args.tls_cert.empty()) {
    std::fprintf(stderr, "vigil serve: TLS: HTTPS only%s, certificate %s\n",
                 args.mllp_port >= 0 ? " and MLLP over TLS" : "", args.tls_cert.c_str());
  }
  if (!args.auth.empty()) {
    if (!args.issuer.empty()) {
      std::fprintf(stderr,
                   "vigil serve: authentication: SMART bearer tokens (JWT) from issuer %s for "
                   "audience %s; keys from %s\n",
                   args.issuer.c_str(), args.audience.c_str(), args.jwks.c_str());
    }
    return;
  }
  std::fprintf(stderr,
               "vigil serve: WARNING: unauthenticated (no --auth): anyone who can connect to %s "
               "can read and change all data\n",
               args.host.c_str());
}

// --log-events: the debug consumer of the change events.
absl::Status LogEvent(const store::ChangeEvent& e) {
  std::fprintf(stderr, "vigil serve: event %llu %s/%s v%lld%s patient=%s\n",
               static_cast<unsigned long long>(e.sequence), e.type.c_str(), e.id.c_str(),
               static_cast<long long>(e.version), e.deleted ? " deleted" : "",
               e.patient_id.c_str());
  return absl::OkStatus();
}

// Subscribes the server's own consumers (the log, the write counters of
// /metrics), then attaches the bus to the store: from then on every committed
// write reaches its subscribers.
absl::Status StartEvents(events::EventBus& bus, store::Store& store, bool log, metrics::ServerMetrics& metrics) {
  if (log) VIGIL_RETURN_IF_ERROR(bus.Subscribe("log", LogEvent));
  VIGIL_RETURN_IF_ERROR(bus.Subscribe("metrics", [&metrics](const store::ChangeEvent& e) {
    metrics.CountCommitted(e.type);
    return absl::OkStatus();
  }));
  metrics.OnCollect([&bus](metrics::ServerMetrics& m) {
    for (const events::SubscriberStats& s : bus.Stats().subscribers) {
      m.SetEventConsumer(s.name, static_cast<double>(s.backlog), static_cast<double>(s.skipped),
                         static_cast<double>(s.failed));
    }
  });
  return bus.Attach(store);
}

// The router, timed: every answer counts in /metrics by surface and interaction.
server::HttpHandler Measured(const server::Router& router, metrics::ServerMetrics& metrics) {
  return [&router, &metrics](const server::HttpRequest& request) {
    const auto start = std::chrono::steady_clock::now();
    server::HttpResponse response = router.Handle(request);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    metrics::HttpLabels labels = metrics::ClassifyRequest(request.method, request.path);
    metrics.ObserveHttp(labels.surface, labels.interaction, response.status, took.count());
    return response;
  };
}

// GET /metrics: the Prometheus text format.
void AddMetricsRoute(ServeContext& context, server::Router& router) {
  router.Add("/metrics", Guarded(context, [metrics = context.metrics](const server::HttpRequest&,
                                                                     const auth::AccessToken*) {
               server::HttpResponse response;
               response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
               response.body = metrics->Text();
               return response;
             }));
}

// The HTTP surfaces beside the FHIR API (serve_*.cc), each under its own path.
absl::Status AddRoutes(ServeContext& context, server::Router& router) {
  AddMetricsRoute(context, router);
  VIGIL_RETURN_IF_ERROR(AddAnalyticsRoutes(context, router));
  VIGIL_RETURN_IF_ERROR(AddCohortRoutes(context, router));
  VIGIL_RETURN_IF_ERROR(AddClinicalAiRoutes(context, router));
  VIGIL_RETURN_IF_ERROR(AddSubscriptionService(context));
  VIGIL_RETURN_IF_ERROR(AddDeadLetterRoutes(context, router));
  VIGIL_RETURN_IF_ERROR(AddAuditEventRoutes(context, router));
  VIGIL_RETURN_IF_ERROR(AddAuthRoutes(context, router));
  return AddDashboardRoutes(context, router);
}

constexpr int kDemoStays = 200;

// Loads the demo data into a fresh default store, so that the README's run
// command shows a working server: the synthetic hospital's admitted patients
// (`vigil synth`, 200 stays with hourly vitals and labs) and, when ../shared is
// there, the Synthea patients.
absl::Status LoadDemo(store::Store& store, const persist::ResourceWrites& writes,
                      const std::string& dir) {
  store::HistoryQuery first;
  first.count = 1;
  absl::StatusOr<store::HistoryPage> any = store.History(first);
  if (!any.ok()) return any.status();
  if (any->total > 0) return absl::OkStatus();
  synth::SynthOptions hospital;
  hospital.patients = kDemoStays;
  hospital.admitted = 24;  // still in hospital, so the ward board and live scores have patients
  hospital.seed = 2;       // its admitted stays include septic ones, before and after onset
  hospital.out_dir = (std::filesystem::path(dir) / "demo-hospital").string();
  std::fprintf(stderr, "vigil serve: empty store; generating %d synthetic hospital stays in %s\n",
               kDemoStays, hospital.out_dir.c_str());
  VIGIL_RETURN_IF_ERROR(synth::Generate(hospital));
  // The FHIR files only: truth.json beside them is the generator's ground truth.
  std::vector<std::string> inputs;
  for (const char* type : {"Patient", "Encounter", "Condition", "Observation"}) {
    inputs.push_back(StrCat(hospital.out_dir, "/", type, ".ndjson"));
  }
  if (std::string synthea = DemoDataDir(); !synthea.empty()) {
    inputs.push_back(synthea);
  } else {
    std::fprintf(stderr, "vigil serve: no Synthea demo data (../shared/data/synthea-r4); loading the synthetic hospital only\n");
  }
  std::fprintf(stderr, "vigil serve: loading the demo data\n");
  return RunImport(store, writes, inputs, StrCat(dir, "/import-rejected.ndjson")).status();
}

int Serve(const ServeArgs& args) {
  if (args.auth.empty() && !IsLoopback(args.host) && !args.insecure_listen_anywhere) {
    std::fprintf(stderr,
                 "vigil serve: refusing to listen on %s without authentication: use --auth smart "
                 "(see README, Security), or --insecure-listen-anywhere if a proxy in front "
                 "authenticates every request\n",
                 args.host.c_str());
    return 1;
  }
  if (args.mllp_port >= 0 && !IsLoopback(args.host) && !args.insecure_listen_anywhere) {
    std::fprintf(stderr,
                 "vigil serve: refusing to open MLLP on %s: MLLP has no authentication; use a "
                 "loopback --host (and a VPN or TLS tunnel), or --insecure-listen-anywhere\n",
                 args.host.c_str());
    return 1;
  }
  absl::StatusOr<std::shared_ptr<const auth::TokenVerifier>> verifier = MakeVerifier(args);
  if (!verifier.ok()) {
    std::fprintf(stderr, "vigil serve: %s\n", std::string(Message(verifier.status())).c_str());
    return 1;
  }
  absl::StatusOr<std::shared_ptr<net::TlsContext>> tls = ServerTls(args);
  absl::StatusOr<std::shared_ptr<net::TlsContext>> hook_tls = SubscriptionTls(args);
  for (const absl::Status& s : {tls.status(), hook_tls.status()}) {
    if (!s.ok()) {
      std::fprintf(stderr, "vigil serve: %s\n", std::string(Message(s)).c_str());
      return 1;
    }
  }
  bool default_dir = args.data.empty();
  std::string dir = default_dir ? DefaultDataDir() : args.data;
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenDataDir(dir);
  if (!store.ok()) {
    std::fprintf(stderr, "vigil serve: %s\n", std::string(Message(store.status())).c_str());
    return 1;
  }
  const search::Registry& registry = search::Registry::Default();
  server::FhirApiOptions options;
  options.write.validate = !args.no_validate;
  options.export_dir = (std::filesystem::path(dir) / "exports").string();
  options.verifier = *verifier;
  options.smart.issuer = args.issuer;
  if (default_dir && !args.no_demo) {
    persist::ResourceWrites writes(registry, options.write);
    if (absl::Status loaded = LoadDemo(**store, writes, dir); !loaded.ok()) {
      std::fprintf(stderr, "vigil serve: loading the demo data failed: %s\n",
                   std::string(Message(loaded)).c_str());
      return 1;
    }
  }
  // Block the stop signals before any thread starts, so only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // The audit trail (DATA/audit): every request is recorded (serve_audit.h). Its writer
  // thread starts here, after the signals are blocked.
  std::unique_ptr<audit::AuditTrail> trail;
  if (!args.no_audit) {
    absl::StatusOr<std::unique_ptr<audit::AuditTrail>> opened = OpenAuditTrail(dir);
    if (!opened.ok()) {
      std::fprintf(stderr, "vigil serve: audit log: %s\n",
                   std::string(Message(opened.status())).c_str());
      return 1;
    }
    trail = *std::move(opened);
  }

  // Change events: every committed write, from any path (REST, MLLP), in commit order.
  // Consumers subscribe to `bus` (events/event_bus.h); its threads start here,
  // after the signals are blocked. The surfaces (live scoring among them)
  // subscribe in AddRoutes.
  metrics::ServerMetrics metrics;
  ServeContext context;
  events::EventBus bus;
  if (absl::Status attached = StartEvents(bus, **store, args.log_events, metrics); !attached.ok()) {
    std::fprintf(stderr, "vigil serve: events: %s\n", std::string(Message(attached)).c_str());
    return 1;
  }

  server::HttpOptions http;
  http.address = args.host;
  http.port = args.port;
  http.threads = args.threads;
  http.read_timeout = std::chrono::seconds(args.read_timeout_s);
  http.tls = *tls;
  std::unique_ptr<server::FhirApi> api;
  // Every path the other surfaces do not claim goes to the FHIR API (its
  // OperationOutcome 404 included); the surfaces are added once the port is known.
  server::Router router([&api](const server::HttpRequest& request) { return api->Handle(request); });
  server::CorsOptions cors;
  cors.allowed_origins = args.cors_origins;
  server::RateLimitOptions limits;
  limits.requests_per_second = args.rate_limit;
  // CORS outside the rate limit: a refused request still names the allowed
  // origin, so the browser app can read the 429.
  server::HttpServer httpd(
      http,
      server::WithCors(cors,
                       server::WithRateLimit(limits, Measured(router, metrics), server::ServerErrorResponse),
                       server::ServerErrorResponse),
      server::ServerErrorResponse);
  if (absl::Status started = httpd.Start(); !started.ok()) {
    std::fprintf(stderr, "vigil serve: %s\n", std::string(Message(started)).c_str());
    return 1;
  }
  std::string origin = StrCat(*tls ? "https://" : "http://", args.host, ":", httpd.port());
  options.base_url = args.base_url.empty() ? StrCat(origin, "/fhir") : args.base_url;
  if (!args.auth.empty()) {
    if (absl::Status own = TrustOwnTokens(dir, &options); !own.ok()) {
      std::fprintf(stderr, "vigil serve: %s\n", std::string(Message(own)).c_str());
      httpd.Stop();
      return 1;
    }
    std::fprintf(stderr,
                 "vigil serve: authentication: SMART bearer tokens (JWT) of its own token "
                 "endpoint %s/token (SMART Backend Services; clients: vigil auth add-client)\n",
                 AuthBaseUrl(options.base_url).c_str());
  }
  if (trail) options.audit = AuditHook(trail.get(), options.base_url);
  api = std::make_unique<server::FhirApi>(**store, registry, options);
  context.store = store->get();
  context.registry = &registry;
  context.bus = &bus;
  context.data_dir = dir;
  context.origin = origin;
  context.base_url = options.base_url;
  context.write = options.write;
  context.verifier = options.verifier;
  context.trail = trail.get();
  context.metrics = &metrics;
  context.model_dir = args.model;
  context.rules = args.rules;
  context.subscription_tls = *hook_tls;
  if (absl::Status routed = AddRoutes(context, router); !routed.ok()) {
    std::fprintf(stderr, "vigil serve: %s\n", std::string(Message(routed)).c_str());
    httpd.Stop();
    api->Stop();
    return 1;
  }
  std::fprintf(stderr, "vigil serve: FHIR R4 at %s (data: %s)\n", options.base_url.c_str(),
               dir.c_str());
  LogSecurity(args);
  std::unique_ptr<MllpService> mllp;
  if (args.mllp_port >= 0) {
    mllp::MllpOptions mllp_options;
    mllp_options.address = args.host;
    mllp_options.port = static_cast<uint16_t>(args.mllp_port);
    mllp_options.idle_timeout = std::chrono::seconds(args.mllp_idle_timeout_s);
    mllp_options.tls = *tls;
    mllp_options.handshake_timeout = std::chrono::seconds(args.read_timeout_s);
    absl::StatusOr<std::unique_ptr<MllpService>> started =
        MllpService::Start(*api, **store, dir, options.verifier != nullptr, mllp_options,
                           IngestObservers{&metrics, trail.get(), options.base_url});
    if (!started.ok()) {
      std::fprintf(stderr, "vigil serve: %s\n", std::string(Message(started.status())).c_str());
      httpd.Stop();
      api->Stop();
      return 1;
    }
    mllp = *std::move(started);
    std::fprintf(stderr, "vigil serve: HL7 v2 MLLP at %s:%u (%sdead letters: %s)\n",
                 args.host.c_str(), static_cast<unsigned>(mllp->port()), *tls ? "MLLP/TLS; " : "",
                 mllp->dead_letter_dir().c_str());
  }
  std::unique_ptr<MqttService> mqtt;
  if (!args.mqtt_url.empty()) {
    absl::StatusOr<std::unique_ptr<MqttService>> started = MqttService::Start(
        *api, **store, dir, options.verifier != nullptr, args.mqtt_url, args.mqtt_topics,
        IngestObservers{&metrics, trail.get(), options.base_url});
    if (!started.ok()) {
      std::fprintf(stderr, "vigil serve: %s\n", std::string(Message(started.status())).c_str());
      if (mllp) mllp->Stop();
      httpd.Stop();
      api->Stop();
      return 1;
    }
    mqtt = *std::move(started);
  }
  int signal = 0;
  sigwait(&signals, &signal);
  std::fprintf(stderr, "vigil serve: stopping (%s)\n", signal == SIGINT ? "SIGINT" : "SIGTERM");
  if (mllp) mllp->Stop();
  if (mqtt) mqtt->Stop();
  httpd.Stop();
  // No request runs any more: stop the $export worker before the store goes.
  if (api) api->Stop();
  // No write comes any more: stop the event consumers (what they have not
  // handled yet is dropped; the store has it).
  bus.Stop();
  // Every answered request is queued: write them and the final signed checkpoint.
  if (trail) {
    if (absl::Status stopped = trail->Stop(); !stopped.ok()) {
      std::fprintf(stderr, "vigil serve: audit log: %s\n", std::string(Message(stopped)).c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace

void RegisterServe(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the FHIR R4 server (REST API under /fhir)");
  cmd->add_option("--data", args->data,
                  "data folder (default: $VIGIL_DATA or ~/.local/share/vigil, loaded with demo "
                  "data when empty)");
  cmd->add_option("--host", args->host, "address to listen on (default 127.0.0.1: loopback only)");
  cmd->add_option("--port", args->port, "TCP port (default 8080; 0 picks a free one)");
  cmd->add_option("--threads", args->threads, "HTTP worker threads (default: one per core)");
  cmd->add_option("--read-timeout", args->read_timeout_s,
                  "seconds a client may take to send a request's headers or body (default 30)")
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--base-url", args->base_url,
                  "public base URL for links (default http://HOST:PORT/fhir, https:// with --tls-cert)");
  cmd->add_flag("--no-validate", args->no_validate,
                "skip validation against the R4 definitions on writes (trusted bulk loads)");
  cmd->add_flag("--no-demo", args->no_demo, "do not load demo data into an empty default store");
  cmd->add_option("--auth", args->auth,
                  "require SMART on FHIR bearer tokens (JWT) on every request but GET metadata")
      ->check(CLI::IsMember({"smart"}));
  cmd->add_option("--issuer", args->issuer,
                  "--auth smart: an external authorization server's issuer (iss), trusted besides "
                  "this server's own token endpoint (/auth/token, docs/smart-backend-services.md)");
  cmd->add_option("--audience", args->audience,
                  "--auth smart: this server's audience (aud), usually its FHIR base URL");
  cmd->add_option("--jwks", args->jwks,
                  "--auth smart: JWKS file with the issuer's public keys (RSA 2048+ / EC P-256)");
  cmd->add_option("--mllp-port", args->mllp_port,
                  "also listen for HL7 v2 messages over MLLP on this TCP port (0 picks a free "
                  "one); ACK AA only after the message's resources are committed")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--mllp-idle-timeout", args->mllp_idle_timeout_s,
                  "seconds an MLLP connection may stay silent before it is closed (default 600)")
      ->check(CLI::Range(1, 86400));
  CLI::Option* mqtt_url = cmd->add_option(
      "--mqtt-url", args->mqtt_url,
      "subscribe to device readings on this MQTT broker, mqtt://[USER@]HOST[:PORT] (password: "
      "$VIGIL_MQTT_PASSWORD); each reading becomes an Observation (docs/device-streams.md)");
  cmd->add_option("--mqtt-topic", args->mqtt_topics,
                  "MQTT topic filter to subscribe to with QoS 1, repeatable (default devices/+/vitals; "
                  "the '+' level is the device id)")
      ->needs(mqtt_url);
  cmd->add_option("--model", args->model,
                  "model artifact folder (vigil train) that scores instead of the registry's champion "
                  "(vigil model): every Observation of an in-progress Encounter is scored with NEWS2 "
                  "and the model into RiskAssessments");
  cmd->add_option("--rules", args->rules,
                  "bedside scores written beside the model's for every scored Observation, "
                  "comma-separated: news2, qsofa, sirs, mews (default news2)")
      ->delimiter(',')
      ->check(CLI::IsMember({"news2", "qsofa", "sirs", "mews"}));
  cmd->add_flag("--log-events", args->log_events,
                "log every change event (committed create, update, delete) to stderr, for "
                "debugging");
  cmd->add_flag("--no-audit", args->no_audit,
                "do not write the audit trail (DATA/audit/audit.log); for benchmarks and tests");
  cmd->add_option("--cors-origin", args->cors_origins,
                  "allow browser apps from this origin (https://app.example.org, or * for any) to "
                  "call the server: CORS preflights answered, responses readable; repeatable")
      ->each([](const std::string& origin) {
        if (!server::IsValidCorsOrigin(origin)) {
          throw CLI::ValidationError("expected * or scheme://host[:port], got " + origin);
        }
      });
  cmd->add_option("--rate-limit", args->rate_limit,
                  "requests per second each client may make (its bearer token, else its address), "
                  "with bursts of one second's worth; more get 429 with Retry-After (default: no limit)")
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--tls-cert", args->tls_cert,
                  "serve HTTPS only (and MLLP over TLS with --mllp-port) with this PEM certificate, "
                  "intermediates after it; needs --tls-key (docs/tls.md)");
  cmd->add_option("--tls-key", args->tls_key,
                  "the unencrypted PEM private key of --tls-cert");
  cmd->add_option("--subscription-ca", args->subscription_ca,
                  "PEM file of CA certificates trusted, besides the system's, for https:// "
                  "Subscription endpoints (private CAs, tests)");
  cmd->add_flag("--insecure-listen-anywhere", args->insecure_listen_anywhere,
                "allow a non-loopback --host without --auth (only behind an authenticating proxy)");
  cmd->callback([args, &exit_code] { exit_code = Serve(*args); });
}

}  // namespace vigil::app

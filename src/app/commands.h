// Subcommands of the vigil executable. Each Register* adds its CLI11
// subcommand and the callback that runs it; main.cc is the composition root.
#pragma once

#include <CLI/CLI.hpp>

namespace vigil::app {

// `vigil fhirpath --input RESOURCE.json [--env NAME=VALUE]... EXPRESSION`
void RegisterFhirpath(CLI::App& app, int& exit_code);

// `vigil serve [--data DIR] [--host H] [--port P] ...`: the FHIR server.
void RegisterServe(CLI::App& app, int& exit_code);

// `vigil import [--data DIR] FILE|FOLDER...`: bulk load NDJSON and Bundles.
void RegisterImport(CLI::App& app, int& exit_code);

// `vigil view --input FILE... [--format csv|ndjson|json] VIEW.json`: SQL-on-FHIR rows.
void RegisterView(CLI::App& app, int& exit_code);

// `vigil sql [--data DIR] [--limit N] "SELECT ..."`: read-only SQL over the
// materialized views (DATA/analytics.sqlite); prints CSV.
void RegisterSql(CLI::App& app, int& exit_code);

// `vigil hl7 to-fhir [--tz +HH:MM] FILE`: HL7 v2 messages -> FHIR transaction Bundles.
void RegisterHl7(CLI::App& app, int& exit_code);

// `vigil ingest dead-letter list|show ID|replay ID [--data DIR]`: HL7 v2
// messages the MLLP listener did not accept.
void RegisterIngest(CLI::App& app, int& exit_code);

// `vigil audit verify|show [--data DIR]`: check the tamper-evident audit log,
// print its last AuditEvents.
void RegisterAudit(CLI::App& app, int& exit_code);

// `vigil train --config FILE --out DIR`: train a sepsis model, write its artifact.
void RegisterTrain(CLI::App& app, int& exit_code);

// `vigil evaluate --model DIR --labels FILE --input PATH...`: report on other stays.
void RegisterEvaluate(CLI::App& app, int& exit_code);

// `vigil score --input PATH... [--model DIR]`: early-warning scores and model risk per stay.
void RegisterScore(CLI::App& app, int& exit_code);

// `vigil synth --patients N --out DIR [--seed S] [--site community|academic] [--psv]`:
// a synthetic hospital with latent sepsis (docs/synthetic-hospital.md).
void RegisterSynth(CLI::App& app, int& exit_code);

// `vigil model register|list|alias|rollback [--data DIR]`: the model registry.
void RegisterModel(CLI::App& app, int& exit_code);

// `vigil cohort [--data DIR] [--measure SYSTEM|CODE] FILE.json`: a cohort
// (Group or evaluate body) over the store, printed as /api/cohorts/evaluate JSON.
void RegisterCohort(CLI::App& app, int& exit_code);

// `vigil auth add-client|list-clients|remove-client [--data DIR]`: the clients
// of the SMART Backend Services token endpoint (DATA/auth/clients.json).
void RegisterAuth(CLI::App& app, int& exit_code);

}  // namespace vigil::app

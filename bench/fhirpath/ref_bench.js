#!/usr/bin/env node
// Speed peer for Vigil's FHIRPath engine: times the HL7 reference implementation
// (npm `fhirpath`, R4 model) on two workloads and writes the workload it ran to a
// file, so that bench/fhirpath_bench.cc evaluates exactly the same pairs.
//
// Workloads (each a list of (expression, input resource) pairs):
//   conformance        every test of ../shared/conformance/fhirpath-r4/tests-fhir-r4.xml
//                      that is not marked invalid, over its JSON input from
//                      fhirpath.js-json-inputs/ (tests without an input get `{}`)
//   search-parameters  every R4 SearchParameter expression (search-parameters.json)
//                      over every official example (fhir-r4/examples/) whose
//                      resourceType is one of the parameter's bases
//                      (base Resource/DomainResource: every example)
// Pairs whose expression fails to compile or throws (or goes async) in fhirpath.js
// are left out of the workload, for both engines.
//
// Timing: each expression is compiled once with fhirpath.compile(expr, r4model);
// inputs are parsed once. After warm-up rounds, whole rounds over all pairs are
// timed until --min-time-ms has passed; ns/eval = elapsed / (pairs * rounds).
//
// Usage: node ref_bench.js [--shared DIR] [--workload FILE] [--min-time-ms N]
//                          [--warmup N] [--rounds N]
// Prints one JSON object on stdout; progress goes to stderr (VIGIL_BENCH_VERBOSE=1
// also lists every dropped pair and why).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const fhirpath = require('fhirpath');
const r4model = require('fhirpath/fhir-context/r4');

function parseArgs(argv) {
  const args = {
    shared: path.resolve(__dirname, '../../../shared'),
    workload: path.join(__dirname, 'workload.json'),
    minTimeMs: 2000,
    warmup: 2,
    rounds: 0,  // 0: as many as fit in minTimeMs
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--shared') args.shared = path.resolve(next());
    else if (a === '--workload') args.workload = path.resolve(next());
    else if (a === '--min-time-ms') args.minTimeMs = Number(next());
    else if (a === '--warmup') args.warmup = Number(next());
    else if (a === '--rounds') args.rounds = Number(next());
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

const VERBOSE = process.env.VIGIL_BENCH_VERBOSE === '1';

function log(msg) {
  process.stderr.write(`ref_bench: ${msg}\n`);
}

// --- the conformance suite ---------------------------------------------------
// The suite's XML is simple and regular; a few regular expressions read it without
// another dependency.

function decodeXml(s) {
  return s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_, e) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
      default:
        return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16)
                                                : parseInt(e.slice(1), 10));
    }
  });
}

function parseAttrs(s) {
  const attrs = {};
  for (const m of s.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)) attrs[m[1]] = decodeXml(m[2]);
  return attrs;
}

function conformanceCandidates(shared) {
  const dir = path.join(shared, 'conformance/fhirpath-r4');
  const xml = fs.readFileSync(path.join(dir, 'tests-fhir-r4.xml'), 'utf8')
      .replace(/<!--[\s\S]*?-->/g, '');
  const pairs = [];
  let tests = 0;
  let invalid = 0;
  for (const t of xml.matchAll(/<test\b([^>]*)>([\s\S]*?)<\/test>/g)) {
    tests++;
    const attrs = parseAttrs(t[1]);
    const e = /<expression\b([^>]*)>([\s\S]*?)<\/expression>/.exec(t[2]);
    if (!e) continue;
    if (parseAttrs(e[1]).invalid !== undefined) {
      invalid++;
      continue;
    }
    const input = attrs.inputfile
        ? path.join(dir, 'fhirpath.js-json-inputs', attrs.inputfile.replace(/\.xml$/, '.json'))
        : null;
    pairs.push({expr: decodeXml(e[2]), input_path: input, name: attrs.name});
  }
  log(`conformance: ${tests} tests, ${invalid} marked invalid, ${pairs.length} candidates`);
  return pairs;
}

// --- search parameters over the official examples ----------------------------

function searchParameterCandidates(shared) {
  const r4 = path.join(shared, 'fhir-r4');
  const exampleDir = path.join(r4, 'examples');
  const byType = new Map();  // resourceType -> [file]
  const all = [];
  for (const f of fs.readdirSync(exampleDir).sort()) {
    if (!f.endsWith('.json')) continue;
    const file = path.join(exampleDir, f);
    let type;
    try {
      type = JSON.parse(fs.readFileSync(file, 'utf8')).resourceType;
    } catch (err) {
      continue;
    }
    if (!type) continue;
    if (!byType.has(type)) byType.set(type, []);
    byType.get(type).push(file);
    all.push(file);
  }
  const bundle = JSON.parse(fs.readFileSync(path.join(r4, 'search-parameters.json'), 'utf8'));
  const pairs = [];
  const seen = new Set();
  let params = 0;
  for (const entry of bundle.entry || []) {
    const sp = entry.resource || {};
    if (!sp.expression) continue;
    params++;
    for (const base of sp.base || []) {
      const files = base === 'Resource' || base === 'DomainResource' ? all : byType.get(base) || [];
      for (const file of files) {
        const key = `${sp.expression}\u0000${file}`;
        if (seen.has(key)) continue;
        seen.add(key);
        pairs.push({expr: sp.expression, input_path: file, name: sp.id});
      }
    }
  }
  log(`search-parameters: ${params} expressions, ${all.length} examples, ` +
      `${pairs.length} candidates`);
  return pairs;
}

// --- preparation: compile once, drop what fhirpath.js cannot do --------------

// trace() output is dropped (as Vigil's default EvalOptions do). Results stay in
// fhirpath.js's internal form (no conversion to plain JSON), which is the cheaper
// choice for fhirpath.js and matches Vigil returning a Collection of Values.
const COMPILE_OPTIONS = {traceFn: () => {}, resolveInternalTypes: false};

function prepare(name, candidates) {
  const inputs = new Map();  // path -> parsed resource
  const compiled = new Map();  // expression -> function or Error
  const loadInput = (p) => {
    if (p === null) return {};
    if (!inputs.has(p)) inputs.set(p, JSON.parse(fs.readFileSync(p, 'utf8')));
    return inputs.get(p);
  };
  const kept = [];
  let compileErrors = 0;
  let evalErrors = 0;
  for (const c of candidates) {
    if (!compiled.has(c.expr)) {
      try {
        compiled.set(c.expr, fhirpath.compile(c.expr, r4model, COMPILE_OPTIONS));
      } catch (err) {
        compiled.set(c.expr, err instanceof Error ? err : new Error(String(err)));
      }
    }
    const fn = compiled.get(c.expr);
    if (fn instanceof Error) {
      compileErrors++;
      continue;
    }
    const resource = loadInput(c.input_path);
    try {
      const r = fn(resource, {});
      if (r instanceof Promise) {
        r.catch(() => {});
        throw new Error('asynchronous result');
      }
    } catch (err) {
      evalErrors++;
      if (VERBOSE) log(`  dropped ${JSON.stringify(c.expr)} on ${c.input_path}: ${err.message}`);
      continue;
    }
    kept.push({expr: c.expr, input_path: c.input_path, fn, resource});
  }
  log(`${name}: ${kept.length} pairs kept, ${compileErrors} dropped (compile error), ` +
      `${evalErrors} dropped (evaluation error)`);
  return {name, pairs: kept, dropped: compileErrors + evalErrors};
}

// --- timing -------------------------------------------------------------------

let sink = 0;  // keeps results observable so no evaluation is optimised away

function round(pairs) {
  for (const p of pairs) sink += p.fn(p.resource, {}).length;
}

function time(workload, args) {
  const pairs = workload.pairs;
  if (pairs.length === 0) return {rounds: 0, ns: 0};
  for (let i = 0; i < args.warmup; i++) round(pairs);
  let rounds = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  const minNs = BigInt(Math.round(args.minTimeMs * 1e6));
  for (;;) {
    round(pairs);
    rounds++;
    elapsed = process.hrtime.bigint() - start;
    if (args.rounds > 0 ? rounds >= args.rounds : elapsed >= minNs) break;
  }
  return {rounds, ns: Number(elapsed)};
}

function main() {
  const args = parseArgs(process.argv);
  // fhirpath.js reports some data problems with console.warn; keep stdout/stderr clean.
  console.warn = () => {};
  const workloads = [
    prepare('conformance', conformanceCandidates(args.shared)),
    prepare('search-parameters', searchParameterCandidates(args.shared)),
  ];

  const file = {
    comment: 'Generated by bench/fhirpath/ref_bench.js: the (expression, input) pairs ' +
             'fhirpath.js evaluates without error. input_path null means the input {}.',
    workloads: workloads.map(w => ({
      name: w.name,
      pairs: w.pairs.map(p => ({expr: p.expr, input_path: p.input_path})),
    })),
  };
  fs.writeFileSync(args.workload, JSON.stringify(file, null, 1) + '\n');
  log(`wrote ${args.workload}`);

  const results = [];
  for (const w of workloads) {
    log(`timing ${w.name} (${w.pairs.length} pairs)`);
    const t = time(w, args);
    const evaluations = t.rounds * w.pairs.length;
    results.push({
      name: w.name,
      pairs: w.pairs.length,
      dropped: w.dropped,
      rounds: t.rounds,
      evaluations,
      ns_per_eval: evaluations ? t.ns / evaluations : 0,
    });
  }
  const cpu = os.cpus()[0];
  process.stdout.write(JSON.stringify({
    engine: `fhirpath.js ${require('fhirpath/package.json').version}`,
    runtime: `node ${process.version}`,
    machine: `${cpu ? cpu.model : 'unknown cpu'} x${os.cpus().length}`,
    workloads: results,
    sink,
  }, null, 2) + '\n');
}

main();

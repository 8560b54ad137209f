// End-to-end test of `vigil serve --mllp-port` with a real MLLP client (npm
// node-hl7-client): every message in ../shared/data/hl7v2 is sent, each must
// get an ACK (AA when `vigil hl7 to-fhir` maps it, AE/AR otherwise); valid
// messages must have produced their Patient (by PID-3) and, for ORU, their
// Observations; a resend must create nothing new; rejected messages must be
// listed by `vigil ingest dead-letter list`.
// Usage: node hl7_mllp_test.mjs VIGIL FHIR_BASE MLLP_PORT DATA_DIR SHARED_HL7_DIR
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Client, Message, KNOWN_VERSIONS } from "node-hl7-client";

const [vigil, base, mllpPortText, dataDir, sharedDir] = process.argv.slice(2);
const mllpPort = Number(mllpPortText);
let passed = 0;
let failed = 0;
let viaRawSocket = 0;
const check = (ok, what) => {
  if (ok) passed++;
  else {
    failed++;
    console.log(`FAIL ${what}`);
  }
};

// Messages of a file: segments split on any line end, a new message at each MSH.
function messagesOf(text) {
  const out = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === "") continue;
    if (/^(FHS|BHS|BTS|FTS)\|/.test(line)) continue;
    if (line.startsWith("MSH")) out.push([]);
    if (out.length) out[out.length - 1].push(line);
  }
  return out.map((segs) => segs.join("\r"));
}

function field(text, seg, n) {
  const line = text.split("\r").find((l) => l.startsWith(seg + "|"));
  if (!line) return "";
  const sep = line[3];
  const fields = line.split(sep);
  return (seg === "MSH" ? fields[n - 1] : fields[n]) ?? "";
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-hl7-"));
function mapsCleanly(text) {
  const file = path.join(tmp, "m.hl7");
  fs.writeFileSync(file, text);
  return spawnSync(vigil, ["hl7", "to-fhir", "--compact", file], { stdio: "ignore" }).status === 0;
}

// One connection per HL7 version (the client insists MSH-12 matches it).
const connections = new Map();
let pending = null;
function connectionFor(version) {
  if (!connections.has(version)) {
    const client = new Client({ host: "127.0.0.1", version });
    const conn = client.createConnection({ port: mllpPort, waitAck: true }, async (res) => {
      const ack = res.getMessage();
      const resolve = pending;
      pending = null;
      resolve?.({ code: ack.get("MSA.1").toString(), id: ack.get("MSA.2").toString() });
    });
    connections.set(version, conn);
  }
  return connections.get(version);
}

function withTimeout(promise, ms, what) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout: ${what}`)), ms)),
  ]);
}

// Sends raw bytes in one MLLP frame on a fresh socket; the ACK's MSA-1/MSA-2.
function sendRaw(text, frame = true) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(mllpPort, "127.0.0.1");
    let data = "";
    socket.on("connect", () => socket.write(frame ? `\x0b${text}\x1c\r` : text));
    socket.on("data", (chunk) => {
      data += chunk.toString("latin1");
      const end = data.indexOf("\x1c");
      if (end < 0) return;
      socket.destroy();
      const msa = data.slice(data.indexOf("\x0b") + 1, end).split("\r").find((l) => l.startsWith("MSA"));
      const f = (msa ?? "").split("|");
      resolve({ code: f[1] ?? "", id: f[2] ?? "" });
    });
    socket.on("error", reject);
  });
}

async function send(text) {
  const version = field(text, "MSH", 12).split("^")[0];
  let message = null;
  if (KNOWN_VERSIONS.includes(version)) {
    try {
      message = new Message({ text });
    } catch {
      message = null;  // the client's parser is stricter than HL7: send raw
    }
  }
  if (message === null) {
    viaRawSocket++;
    return withTimeout(sendRaw(text), 30000, "raw send");
  }
  const acked = new Promise((resolve) => (pending = resolve));
  await connectionFor(version).sendMessage(message);
  return withTimeout(acked, 30000, `ACK for ${field(text, "MSH", 10)}`);
}

async function fhir(query) {
  const r = await fetch(`${base}/${query}`);
  return r.json();
}
const count = async (type) => (await fhir(`${type}?_summary=count`)).total;

// 1. Every shared message.
const files = fs
  .readdirSync(sharedDir, { recursive: true })
  .filter((f) => /\.(hl7|txt)$/.test(f))
  .sort();
const accepted = [];
let rejected = 0;
for (const file of files) {
  for (const text of messagesOf(fs.readFileSync(path.join(sharedDir, file), "latin1"))) {
    const want = mapsCleanly(text) ? "AA" : "AE|AR";
    const ack = await send(text);
    check(want === "AA" ? ack.code === "AA" : /^A[ER]$/.test(ack.code),
          `${file} (${field(text, "MSH", 10)}): ACK ${ack.code}, wanted ${want}`);
    check(ack.id === field(text, "MSH", 10), `${file}: MSA-2 '${ack.id}'`);
    if (ack.code === "AA") accepted.push(text);
    else rejected++;
  }
}
check(accepted.length >= 20, `at least 20 shared messages accepted (${accepted.length})`);

// 2. What the accepted messages produced.
for (const text of accepted) {
  const mrn = field(text, "PID", 3).split("~")[0].split("^")[0];
  if (!mrn) continue;
  const bundle = await fhir(`Patient?identifier=${encodeURIComponent(mrn)}&_summary=count`);
  check(bundle.total >= 1, `Patient with identifier ${mrn} (MSH-10 ${field(text, "MSH", 10)})`);
}
// Resend candidates: the last accepted message of each (MSH-3, MSH-4, MSH-10);
// earlier ones whose control id was reused are, rightly, new messages again.
const lastByKey = new Map();
for (const t of accepted) lastByKey.set(["MSH", 3, 4, 10].slice(1).map((n) => field(t, "MSH", n)).join("|"), t);
const latest = [...lastByKey.values()];
const oru = latest.find((t) => field(t, "MSH", 9).startsWith("ORU") && t.includes("\rOBX|"));
check(oru !== undefined, "an accepted ORU with OBX");
check((await count("Observation")) >= 1, "Observations stored");

// 3. Resends create nothing new.
const types = ["Patient", "Encounter", "Observation", "DiagnosticReport", "Provenance"];
const before = await Promise.all(types.map(count));
for (const text of [oru, latest.find((t) => field(t, "MSH", 9).startsWith("ADT"))]) {
  const ack = await send(text);
  check(ack.code === "AA", `resend of ${field(text, "MSH", 10)} answered ${ack.code}`);
}
const after = await Promise.all(types.map(count));
check(JSON.stringify(before) === JSON.stringify(after),
      `no new resources after resends: ${before} -> ${after}`);

// 4. Invalid messages.
const badDate = "MSH|^~\\&|E2E|TEST|VIGIL|HOSP|20240305143000||ADT^A01^ADT_A01|E2E-BAD-1|P|2.5\r" +
  "PID|1||E2E-1^^^E2E^MR||Doe^Jane||1999133|F\r";
const unsupported = "MSH|^~\\&|E2E|TEST|VIGIL|HOSP|20240305143000||SIU^S12|E2E-BAD-2|P|2.5\rSCH|1\r";
check((await send(badDate)).code === "AE", "a bad PID-7 is answered AE");
check((await send(unsupported)).code === "AR", "SIU^S12 is answered AR");
check((await withTimeout(sendRaw("not hl7 at all"), 30000, "garbage")).code === "AR",
      "a frame that is not HL7 is answered AR");
// Garbage between frames, and two frames in one write, on one connection.
const two = await withTimeout(new Promise((resolve, reject) => {
  const socket = net.connect(mllpPort, "127.0.0.1");
  let data = "";
  socket.on("connect", () => socket.write(`noise\x0b${accepted[0]}\x1c\rmore noise\x0b${accepted[1]}\x1c\r`));
  socket.on("data", (c) => {
    data += c.toString("latin1");
    if ((data.match(/\x1c/g) ?? []).length === 2) {
      socket.destroy();
      resolve(data);
    }
  });
  socket.on("error", reject);
}), 30000, "two frames");
check((two.match(/MSA\|AA/g) ?? []).length === 2, "two frames with garbage around: two AA");

// 5. The dead letters.
const list = execFileSync(vigil, ["ingest", "dead-letter", "list", "--data", dataDir]).toString();
const lines = list.trim().split("\n").filter(Boolean);
check(lines.length === rejected + 3, `dead letters listed: ${lines.length}, want ${rejected + 3}`);
for (const id of ["E2E-BAD-1", "E2E-BAD-2"]) {
  check(lines.some((l) => l.split("\t")[3] === id), `dead letter for ${id}`);
}
const shown = execFileSync(vigil, ["ingest", "dead-letter", "show", lines[0].split("\t")[0], "--data", dataDir]).toString();
check(shown.includes('"reason"') && shown.includes("MSH"), "dead-letter show prints sidecar and message");

// 6. Replay: a message refused because its Patient identifier matched two
// resources goes through once the duplicate Patient is deleted.
const dupPatient = { resourceType: "Patient", identifier: [{ system: "urn:oid:1.2.840.99", value: "RP-1" }] };
for (let i = 0; i < 2; i++) {
  await fetch(`${base}/Patient`, { method: "POST", headers: { "Content-Type": "application/fhir+json" },
                                   body: JSON.stringify(dupPatient) });
}
const refused = "MSH|^~\\&|E2E|TEST|VIGIL|HOSP|20240305143000+0100||ADT^A01^ADT_A01|E2E-RP-1|P|2.5\r" +
  "PID|1||RP-1^^^GH&1.2.840.99&ISO^MR||Doe^Jane||19800229|F\rPV1|1|I|||||||||||||||||RPV-1^^^GH&1.2.840.99&ISO^VN\r";
check((await send(refused)).code === "AE", "an ADT whose Patient identifier matches two Patients is AE");
const letterOf = (control) => execFileSync(vigil, ["ingest", "dead-letter", "list", "--data", dataDir])
  .toString().split("\n").find((l) => l.split("\t")[3] === control)?.split("\t")[0];
const refusedId = letterOf("E2E-RP-1");
const replay = (id) => spawnSync(vigil, ["ingest", "dead-letter", "replay", id, "--data", dataDir]).status;
check(replay(refusedId) === 1 && letterOf("E2E-RP-1") === refusedId, "replay still failing: exit 1, kept");
const dup = (await fhir("Patient?identifier=RP-1")).entry[0].resource.id;
await fetch(`${base}/Patient/${dup}`, { method: "DELETE" });
check(replay(refusedId) === 0, "replay after the fix: exit 0");
check(letterOf("E2E-RP-1") === undefined, "replayed dead letter removed");
check((await fhir("Encounter?identifier=RPV-1&_summary=count")).total === 1, "replayed message stored");

for (const conn of connections.values()) await conn.close();
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`hl7 mllp e2e: ${passed} passed, ${failed} failed ` +
            `(${accepted.length} accepted, ${rejected} rejected shared messages; ` +
            `${viaRawSocket} sent over a raw socket because the client's parser refused them)`);
process.exit(failed === 0 ? 0 : 1);

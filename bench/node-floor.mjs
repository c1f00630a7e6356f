// The floor of any Node.js publisher: `seq 1 N | node bench/node-floor.mjs PORT QOS` publishes each
// stdin line as a QoS 1 (or 2) PUBLISH to topic b/floor over one connection, 20 in flight, with
// hand-built packets and no per-message objects beyond Node's own (the chunk Buffers). What it
// costs in CPU is what Node itself costs for this traffic; bench/README.md compares it with
// mosquitto_pub and tspub on the same input.
import { connect } from 'node:net';

const port = Number(process.argv[2] ?? 1883);
const qos = Number(process.argv[3] ?? 1);
const WINDOW = 20;
const topic = Buffer.from('b/floor');
const sock = connect(port, '127.0.0.1');
sock.setNoDelay(true);
const lines = [];
let head = 0; // lines[head] is the next to send (no shift(): O(n))
let readDone = false;
let inflight = 0;
let nextId = 1;
let acked = 0;
let sent = 0;

function connectPacket() {
  const id = Buffer.from(`floor-${process.pid}`);
  const body = Buffer.concat([Buffer.from([0, 4, 77, 81, 84, 84, 4, 2, 0, 60, id.length >> 8, id.length & 255]), id]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

function pump() {
  if (inflight >= WINDOW || head >= lines.length) return;
  const out = [];
  while (inflight < WINDOW && head < lines.length) {
    const payload = lines[head++];
    const remaining = 2 + topic.length + 2 + payload.length;
    const b = Buffer.allocUnsafe(2 + remaining); // payloads here are short: a 1-byte remaining length
    b[0] = 0x30 | (qos << 1); b[1] = remaining;
    b[2] = 0; b[3] = topic.length; topic.copy(b, 4);
    let p = 4 + topic.length;
    b[p++] = nextId >> 8; b[p++] = nextId & 255;
    nextId = nextId === 65535 ? 1 : nextId + 1;
    payload.copy(b, p);
    out.push(b);
    inflight++; sent++;
  }
  sock.write(out.length === 1 ? out[0] : Buffer.concat(out));
}

let carry = Buffer.alloc(0);
sock.on('data', (chunk) => {
  let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
  let pos = 0;
  const rels = [];
  while (pos + 2 <= buf.length && pos + 2 + buf[pos + 1] <= buf.length) {
    const type = buf[pos] >> 4;
    if (type === 4 || type === 7) { inflight--; acked++; } // PUBACK / PUBCOMP
    else if (type === 5) rels.push(0x62, 2, buf[pos + 2], buf[pos + 3]); // PUBREC -> PUBREL, written together below
    pos += 2 + buf[pos + 1];
  }
  carry = buf.subarray(pos);
  if (rels.length) sock.write(Buffer.from(rels));
  pump();
  if (readDone && head >= lines.length && inflight === 0) { sock.end(Buffer.from([0xe0, 0])); }
});
sock.on('connect', () => {
  sock.write(connectPacket());
  let rest = Buffer.alloc(0);
  process.stdin.on('data', (c) => {
    const b = rest.length ? Buffer.concat([rest, c]) : c;
    let start = 0;
    for (let nl = b.indexOf(10); nl >= 0; nl = b.indexOf(10, start)) { lines.push(b.subarray(start, nl)); start = nl + 1; }
    rest = b.subarray(start);
    pump();
  });
  process.stdin.on('end', () => { readDone = true; pump(); });
});
sock.on('close', () => { process.stderr.write(`sent ${sent} acked ${acked}\n`); });

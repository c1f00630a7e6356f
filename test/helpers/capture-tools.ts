// tcpdump and tshark for tsdump's capture tests: a loopback capture of one port while the test
// makes traffic, and Wireshark's MQTT dissector's view of a file, PDU by PDU.
//
//   const cap = await startTcpdump(port, file);   // resolves once tcpdump says it is listening
//   ...traffic...; await cap.stop();                // SIGINT: tcpdump writes what it has and exits
//   const pdus = tsharkMqtt(file, port);            // [{ type, topic, mid, qos, codes }]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnProcess } from './run-bin.ts';

/** Throws (never skips) when tcpdump, tshark or editcap is missing: scripts/ensure-test-tools.sh installs them. */
export function requireCaptureTools(): void {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin'].filter(Boolean);
  for (const bin of ['tcpdump', 'tshark', 'editcap']) {
    if (!dirs.some((d) => existsSync(join(d, bin)))) throw new Error(`${bin} not found: apt-get install tcpdump tshark (scripts/ensure-test-tools.sh does it)`);
  }
}

export async function startTcpdump(port: number, file: string, extra: string[] = []): Promise<{ stop(): Promise<void> }> {
  const p = spawnProcess('tcpdump', ['-i', 'lo', '-U', '--immediate-mode', '-w', file, ...extra, `tcp port ${port}`], {
    timeoutMs: 120_000, env: { PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
  });
  await p.waitForStderr('listening on', 10_000);
  return {
    async stop() {
      p.kill('SIGINT');
      const r = await p.exited();
      if (r.code !== 0) throw new Error(`tcpdump exited ${r.code}: ${r.stderr}`);
    },
  };
}

export interface Pdu {
  type: number;
  topic: string;
  mid: string;
  qos: string;
  codes: string;
}

const CODE_KEYS = /(?:reason_code|conack\.val|suback\.qos)$/;

/** Wireshark's MQTT PDUs of a capture (tshark -T json: one object per PDU, several per frame) */
export function tsharkMqtt(file: string, port: number): Pdu[] {
  const out = execFileSync('tshark', ['-r', file, '-d', `tcp.port==${port},mqtt`, '-Y', 'mqtt', '-T', 'json', '--no-duplicate-keys', '-j', 'mqtt'],
    { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  const pdus: Pdu[] = [];
  for (const f of JSON.parse(out) as Array<{ _source: { layers: { mqtt: unknown } } }>) {
    const m = f._source.layers.mqtt;
    for (const o of (Array.isArray(m) ? m : [m]) as Array<Record<string, unknown>>) {
      const flags = Number(o['mqtt.hdrflags']);
      const type = flags >> 4;
      const codes = Object.entries(o).filter(([k]) => CODE_KEYS.test(k)).flatMap(([, v]) => (Array.isArray(v) ? v : [v]) as string[]);
      pdus.push({
        type, topic: String(o['mqtt.topic'] ?? ''), mid: String(o['mqtt.msgid'] ?? ''),
        qos: type === 3 ? String((flags >> 1) & 3) : '', codes: codes.join(','),
      });
    }
  }
  return pdus;
}

const TYPES = ['reserved', 'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp',
  'subscribe', 'suback', 'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', 'auth'];

/** the same view of tsdump --json's packet lines */
export function tsdumpPdus(lines: Array<Record<string, unknown>>): Pdu[] {
  return lines.filter((o) => o.type !== undefined).map((o) => {
    const type = TYPES.indexOf(o.type as string);
    const codes = o.reasonCodes ?? (o.reasonCode !== undefined ? [o.reasonCode] : []);
    return {
      type, topic: String(o.topic ?? (o.subscriptions as Array<{ topic: string }> | undefined)?.map((s) => s.topic).join(',') ?? (o.topics as string[] | undefined)?.join(',') ?? ''),
      mid: String(o.mid ?? ''), qos: type === 3 ? String(o.qos) : '', codes: (codes as number[]).join(','),
    };
  });
}

/** the capture converted by editcap (-F pcapng, nsecpcap, ...) */
export function editcap(format: string, from: string, to: string): void {
  execFileSync('editcap', ['-F', format, from, to], { stdio: 'ignore' });
}

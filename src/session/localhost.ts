// The addresses the hosts file gives "localhost", read directly: what getaddrinfo answers from its
// "files" source, without Node's resolver start-up. Anything unusual returns [] and the caller
// falls back to the normal lookup.
import { readFileSync } from 'node:fs';

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Addresses of `host` when it is "localhost" and the hosts file names it, in file order; else []. */
export function localhostAddresses(host: string, hostsFile = '/etc/hosts'): string[] {
  if (host.toLowerCase() !== 'localhost') return [];
  let text: string;
  try {
    text = readFileSync(hostsFile, 'latin1');
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const raw of text.split('\n')) {
    const words = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (words.length < 2 || !words.slice(1).some((w) => w.toLowerCase() === 'localhost')) continue;
    const address = words[0]!;
    // IPv4 literals, and IPv6 without a zone (net.connect takes both as they are)
    if ((IPV4.test(address) || (address.includes(':') && !address.includes('%'))) && !found.includes(address)) found.push(address);
  }
  return found;
}

// src/protocol/properties.ts is the one table of MQTT 5 properties; packet-check (received packets),
// tsdump's reader and -D derive their views from it. These check each view where the derivation
// could go wrong, and -D's commands against mosquitto's own rules (lib/property_mosq.c,
// mosquitto_property_check_command, the same in 2.0.11 and develop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROPERTIES } from '../src/protocol/properties.ts';
import { checkPacket } from '../src/protocol/packet-check.ts';
import { Reader, readProperties } from '../src/protocol/dump-properties.ts';
import { takeProperty, propertyNames } from '../src/cli/options/properties.ts';
import { UsageError } from '../src/cli/runtime/errors.ts';

const h = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const COMMANDS = ['connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback',
  'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', 'auth', 'will'];

/** mosquitto_property_check_command, transcribed: the commands each property may go with */
const MOSQUITTO: Record<string, readonly string[]> = {
  'payload-format-indicator': ['publish', 'will'],
  'message-expiry-interval': ['publish', 'will'],
  'content-type': ['publish', 'will'],
  'response-topic': ['publish', 'will'],
  'correlation-data': ['publish', 'will'],
  'subscription-identifier': ['publish', 'subscribe'],
  'session-expiry-interval': ['connect', 'connack', 'disconnect'],
  'assigned-client-identifier': ['connack'],
  'server-keep-alive': ['connack'],
  'authentication-method': ['connect', 'connack', 'auth'],
  'authentication-data': ['connect', 'connack', 'auth'],
  'request-problem-information': ['connect'],
  'will-delay-interval': ['will'],
  'request-response-information': ['connect'],
  'response-information': ['connack'],
  'server-reference': ['connack', 'disconnect'],
  // mosquitto: any command but connect, publish, subscribe, unsubscribe
  'reason-string': COMMANDS.filter((c) => !['connect', 'publish', 'subscribe', 'unsubscribe'].includes(c)),
  'receive-maximum': ['connect', 'connack'],
  'topic-alias-maximum': ['connect', 'connack'],
  'topic-alias': ['publish'],
  'maximum-qos': ['connack'],
  'retain-available': ['connack'],
  'user-property': COMMANDS,
  'maximum-packet-size': ['connect', 'connack'],
  'wildcard-subscription-available': ['connack'],
  'subscription-identifier-available': ['connack'],
  'shared-subscription-available': ['connack'],
};

/** where -D follows the spec's Table 2-4 instead (reason-string is no Will property, nor a ping's) */
const SPEC_ONLY: Record<string, readonly string[]> = { 'reason-string': ['will', 'pingreq', 'pingresp'] };

const take = takeProperty(['connect', 'publish', 'subscribe', 'unsubscribe', 'disconnect', 'will']);

/** cfg_parse_property refuses these two as an invalid command before any property check */
const PINGS = ['pingreq', 'pingresp'];

/** the commands -D does not refuse as "not allowed" for this property (the pings aside) */
function allowedByD(name: string): string[] {
  return COMMANDS.filter((c) => !PINGS.includes(c)).filter((command) => {
    try {
      take([command, name, 'k', 'v'], 0);
    } catch (e) {
      assert.ok(e instanceof UsageError, `${command} ${name}`);
      return e.message !== `${name} property not allowed for ${command} in --property argument.`;
    }
    return true;
  });
}

test("-D's commands per property are mosquitto_property_check_command's, but reason-string's (the spec's packets)", () => {
  assert.deepEqual(PROPERTIES.map((p) => p.name), Object.keys(MOSQUITTO));
  for (const name of Object.keys(MOSQUITTO)) {
    const expected = MOSQUITTO[name]!.filter((c) => !(SPEC_ONLY[name] ?? []).includes(c) && !PINGS.includes(c));
    assert.deepEqual(allowedByD(name), expected, name);
  }
  for (const ping of PINGS) {
    assert.throws(() => take([ping, 'user-property', 'k', 'v'], 0), (e: unknown) => e instanceof UsageError
      && e.message === `Invalid command ${ping} given in --property argument.`, ping);
  }
});

test('-D: a name the table lacks is an invalid name, an Object.prototype key included', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'no-such']) {
    assert.throws(() => take(['connect', name, '1'], 0), (e: unknown) => e instanceof UsageError
      && e.message === `Invalid property name ${name} given in --property argument.`, name);
  }
});

test("-D's completions list the table's names in id order, per command", () => {
  assert.deepEqual(propertyNames('will'), ['payload-format-indicator', 'message-expiry-interval', 'content-type',
    'response-topic', 'correlation-data', 'will-delay-interval', 'user-property']);
  assert.deepEqual(propertyNames('subscribe'), ['subscription-identifier', 'user-property']);
  assert.deepEqual(propertyNames('disconnect'), ['session-expiry-interval', 'server-reference', 'reason-string', 'user-property']);
});

test('received packets: CONNECT and Will properties are unknown, the rest checked by the packets they belong to', () => {
  /** the defect of a packet: its first byte, then its body (the remaining length is counted here) */
  const check = (hex: string): string | undefined => {
    const [first, ...rest] = hex.split(' ');
    const body = h(rest.join(''));
    const b = Buffer.concat([h(first!), Buffer.from([body.length]), body]);
    return checkPacket(b, 0, b.length, 5)?.message;
  };
  // a CONNACK with request-problem-information (0x17), will-delay-interval (0x18), request-response-information (0x19)
  assert.equal(check('20 0000 02 1701'), 'CONNACK with unknown property 0x17 [MQTT-2.2.2.2]');
  assert.equal(check('20 0000 05 1800000001'), 'CONNACK with unknown property 0x18 [MQTT-2.2.2.2]');
  assert.equal(check('20 0000 02 1901'), 'CONNACK with unknown property 0x19 [MQTT-2.2.2.2]');
  // known, but in a packet the spec does not give it to
  assert.equal(check('30 0001 61 05 1100000001'), 'PUBLISH with property session-expiry-interval, which a PUBLISH cannot carry [MQTT-2.2.2.2]');
  assert.equal(check('90 0001 02 0b01 00'), 'SUBACK with property subscription-identifier, which a SUBACK cannot carry [MQTT-2.2.2.2]');
  // non-zero: maximum-packet-size; topic alias 0 is left to the session
  assert.equal(check('20 0000 05 2700000000'), 'CONNACK with maximum-packet-size 0 [MQTT-2.2.2.2]');
  assert.equal(check('30 0001 61 03 230000'), undefined);
  // boolean
  assert.equal(check('20 0000 02 2502'), 'CONNACK with retain-available 2 (must be 0 or 1) [MQTT-2.2.2.2]');
  // repeatable: two subscription identifiers and two equal user properties in one PUBLISH
  assert.equal(check('30 0001 61 12 0b01 0b02 26 0001 6b 0001 76 26 0001 6b 0001 76'), undefined);
  // user-property in every packet a broker sends with properties
  for (const hex of ['20 0000 07 26 0001 6b 0001 76', '40 0001 00 07 26 0001 6b 0001 76', '90 0001 07 26 0001 6b 0001 76 00',
    'b0 0001 07 26 0001 6b 0001 76 00', 'e0 00 07 26 0001 6b 0001 76', 'f0 00 07 26 0001 6b 0001 76']) {
    assert.equal(check(hex), undefined, hex);
  }
});

test("tsdump reads every property of the table, in any packet, with the table's name and key", () => {
  const value: Record<string, string> = { byte: '01', int16: '0102', int32: '01020304', varint: '8101', string: '000161', binary: '00020a0b', pair: '00016b000176' };
  const expected: Record<string, unknown> = { byte: 1, int16: 0x0102, int32: 0x01020304, varint: 129, string: 'a', binary: h('0a0b'), pair: ['k', 'v'] };
  for (const p of PROPERTIES) {
    const body = h(p.id.toString(16).padStart(2, '0') + value[p.type]!);
    const section = Buffer.concat([Buffer.from([body.length]), body]);
    const r = new Reader(section, 0, section.length);
    assert.deepEqual(readProperties(r, 'PINGRESP'), [{ id: p.id, name: p.name, key: p.key, value: expected[p.type] }], p.name);
    assert.equal(r.pos, section.length, p.name);
  }
  const unknown = h('02 0500');
  assert.throws(() => readProperties(new Reader(unknown, 0, unknown.length), 'PUBLISH'), { message: 'PUBLISH has an unknown property id 0x05' });
});

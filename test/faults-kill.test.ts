// Fault-injection matrix, (c) SIGKILL + restart: the broker loses what it had not saved (persistence at shutdown only).
// QoS 1/2 x MQTT 3.1.1/5 x with/without -c -i x receiver mosquitto_sub/tssub: see helpers/fault-run.ts
// (how the scenarios run) and helpers/fault-check.ts (what each must guarantee).
import { faultSuite } from './helpers/fault-suite.ts';

faultSuite('kill');

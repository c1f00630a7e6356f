// One error family for everything the session layer can fail with. Messages name the
// cause and, where one exists, the fix; cli/ prints `Error: ${message}` and picks the exit code.

export class MqttError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The broker answered CONNACK with a refusal. exitCode follows mosquitto: the reason code. */
export class ConnectionRefusedError extends MqttError {
  constructor(readonly reasonCode: number, readonly reasonText: string, readonly reasonString?: string) {
    super(`Connection refused: ${reasonText}${reasonString ? ` (${reasonString})` : ''}`);
  }
}

/** A PUBACK/PUBREC/PUBCOMP/SUBACK/UNSUBACK carried a failure code. */
export class ReasonCodeError extends MqttError {
  constructor(readonly packet: string, readonly reasonCode: number, readonly reasonText: string,
    readonly topic?: string, readonly reasonString?: string) {
    super(`${packet} for '${topic ?? '?'}' failed: ${reasonText} (0x${reasonCode.toString(16).padStart(2, '0')})${reasonString ? `: ${reasonString}` : ''}`);
  }
}

/** One message cannot be sent (MQTT's size limit, the broker's maximum packet size): it fails alone, the rest go on. */
export class MessageTooLargeError extends MqttError {}

/** The peer broke the protocol (malformed bytes, unexpected packet). */
export class ProtocolError extends MqttError {}

/** Nothing came back in time (CONNACK, PINGRESP, an ack). */
export class TimeoutError extends MqttError {}

/** Socket / DNS / TLS failure; the Node error stays as `cause`. */
export class TransportError extends MqttError {
  /** waiting can help (refused, reset, DNS down) or not (TLS verification, an unreadable file, a
   *  bad bind address): decided where the error is made, read by the reconnect policy */
  readonly retryable: boolean;
  constructor(message: string, readonly code?: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
    this.retryable = options?.retryable ?? true;
  }
}

/** The connection was closed while work was outstanding (by the broker or by us). */
export class ConnectionClosedError extends MqttError {
  /** MQTT 5: the reason code of the broker's DISCONNECT, when it sent one (0x8E: session taken over) */
  constructor(message: string, readonly reasonCode?: number) { super(message); }
}

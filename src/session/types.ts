// Public shapes of the session layer: what cli/ and commands/ build and consume.
import type { ProtocolVersion, QoS, UserProperties, UserPropertyList } from '../protocol/codec.ts';

export type { ProtocolVersion, QoS, UserProperties, UserPropertyList };

export interface TlsOptions {
  /** PEM file(s) of trusted CAs (--cafile) */
  cafile?: string;
  /** directory of PEM certificates, hashed by `openssl rehash` or not (--capath) */
  capath?: string;
  /** also trust the system store alongside cafile/capath (--tls-use-os-certs) */
  useOsCerts?: boolean;
  cert?: string;
  key?: string;
  /** passphrase for an encrypted --key */
  passphrase?: string;
  /** TLS-PSK (--psk, --psk-identity): no certificates at all */
  psk?: { key: Buffer; identity: string };
  /** skip hostname verification only (mosquitto's --insecure) */
  insecure?: boolean;
  /** 'tlsv1.2' | 'tlsv1.3' (mosquitto spelling) */
  tlsVersion?: string;
  ciphers?: string;
  alpn?: string[];
  /** SNI / name checked against the certificate; defaults to the host */
  servername?: string;
  /** append the session keys to this file, NSS key log format (--tls-keylog; created 0600) */
  keylog?: string;
}

/** a SOCKS5 proxy (mosquitto's --proxy socks5h://): the proxy resolves the broker's host name */
export interface ProxyOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

export type TransportOptions =
  | { kind: 'tcp'; host: string; port: number; bindAddress?: string; noDelay?: boolean; proxy?: ProxyOptions }
  | { kind: 'tls'; host: string; port: number; bindAddress?: string; noDelay?: boolean; proxy?: ProxyOptions; tls: TlsOptions }
  /** proxy: the WebSocket runs over a SOCKS5 tunnel to the URL's host and port */
  | { kind: 'ws' | 'wss'; url: string; tls?: TlsOptions; proxy?: ProxyOptions }
  | { kind: 'unix'; path: string };

/** v5 PUBLISH / will properties (mqtt-packet names). */
export interface PublishProperties {
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  topicAlias?: number;
  responseTopic?: string;
  correlationData?: Buffer;
  userProperties?: UserProperties;
  /** the user properties in packet order, duplicates kept (set on received messages; sent instead of userProperties when given) */
  userPropertyList?: UserPropertyList;
  subscriptionIdentifier?: number | number[];
  contentType?: string;
}

export interface WillOptions {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties?: PublishProperties & { willDelayInterval?: number };
}

export interface ConnectProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumPacketSize?: number;
  topicAliasMaximum?: number;
  requestResponseInformation?: boolean;
  requestProblemInformation?: boolean;
  userProperties?: UserProperties;
  authenticationMethod?: string;
  authenticationData?: Buffer;
}

export interface SessionOptions {
  transport: TransportOptions;
  /** 3 = MQTT 3.1, 4 = 3.1.1 (default), 5 = 5.0 */
  protocolVersion: ProtocolVersion;
  /** empty/undefined: generated like mosquitto's (`<prefix>-<pid>`-ish random id) */
  clientId?: string;
  keepalive: number;
  /** clean session (v3) / clean start (v5) */
  clean: boolean;
  /** MQTT 5, clean, no session expiry asked: keep a session for the client's life so QoS 2 stays
   *  exactly once across reconnects (default true; false: the caller asked for none, e.g. -x 0) */
  keepSession?: boolean;
  username?: string;
  password?: Buffer;
  will?: WillOptions;
  connectProperties?: ConnectProperties;
  /** max QoS 1/2 messages in flight (mosquitto -M, default 20); capped by the broker's receive maximum */
  maxInflight: number;
  /** send topic aliases for repeated topics (v5, when the broker allows them) */
  sendTopicAliases?: boolean;
  /** ms to wait for the transport + CONNACK */
  connectTimeoutMs: number;
  /** called with one line per packet sent/received (mosquitto -d); never shows passwords */
  debug?: (line: string) => void;
}

export interface ReconnectPolicy {
  /** reconnect after a successful connection is lost */
  enabled: boolean;
  /** also retry when the very first connection fails */
  retryFirstConnect: boolean;
  /** attempts per outage; Infinity = forever */
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface InboundMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** packet id for QoS > 0 */
  messageId?: number;
  properties?: PublishProperties;
}

export interface OutboundMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties?: PublishProperties;
}

export interface Subscription {
  topic: string;
  qos: QoS;
  /** v5 subscription options */
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: 0 | 1 | 2;
}

export interface SubscribeProperties {
  subscriptionIdentifier?: number;
  userProperties?: UserProperties;
}

export interface ConnackInfo {
  sessionPresent: boolean;
  reasonCode: number;
  /** negotiated protocol version */
  protocolVersion: ProtocolVersion;
  clientId: string;
  properties?: Record<string, unknown>;
}

/** Completion callback of Client.write: err is set when the broker refused or the client gave up. */
export type WriteCallback = (err?: Error | null) => void;

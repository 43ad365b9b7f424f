/**
 * A sandbox's network settings as the library takes and gives them, shaped like the official
 * SDK's types so the same objects work with either package: allow/deny lists may be computed by
 * a function of the rules, rules may be a Map, and a rule's transform may be computed by a
 * function. All of that is resolved here into the plain JSON body the API takes.
 */
import type { SandboxNetworkConfig, SandboxNetworkUpdateConfig } from '../gen/api/schemas.js';
import { InvalidArgumentError } from './errors.js';

/** The CIDR of all IPv4 traffic: `denyOut: [ALL_TRAFFIC]` cuts the sandbox off the internet. */
export const ALL_TRAFFIC = '0.0.0.0/0';

/** Changes made to a matching egress request (headers set, replacing any of the same name). */
export interface SandboxNetworkTransform {
  headers?: Record<string, string>;
}

/** What a transform function is given. */
export interface SandboxNetworkTransformContext {
  /** Workload identity tokens by name; e2b-ts registers none, so naming one is an error. */
  iam: { tokens: Record<string, string> };
}

export type SandboxNetworkTransformResolver = (ctx: SandboxNetworkTransformContext) => SandboxNetworkTransform;

/** What to do with egress requests to one domain. */
export interface SandboxNetworkRule {
  transform?: SandboxNetworkTransform | SandboxNetworkTransformResolver;
}

/** A rule as the API reports it back. */
export interface SandboxNetworkRuleInfo {
  transform?: SandboxNetworkTransform;
}

/** Per-domain rules; listing a domain does not allow traffic to it (allowOut does). */
export type SandboxNetworkRules = Record<string, SandboxNetworkRule[]> | Map<string, SandboxNetworkRule[]>;

/** What an allow/deny function is given. */
export interface SandboxNetworkSelectorContext {
  /** {@link ALL_TRAFFIC}. */
  allTraffic: string;
  rules: Map<string, SandboxNetworkRule[]>;
}

/** A list of IPs, CIDRs or (allowOut only) domain names, or a function returning one. */
export type SandboxNetworkSelector = string[] | ((ctx: SandboxNetworkSelectorContext) => string[]);

/** A SOCKS5 proxy all egress goes through. */
export interface SandboxEgressProxyOpts {
  /** host:port */
  address: string;
  username?: string;
  password?: string;
}

/** The proxy as the API reports it (never with its password). */
export interface SandboxEgressProxyInfo {
  address: string;
  username?: string;
}

/** Network settings given at create. */
export interface SandboxNetworkOpts {
  /** Allowed destinations; these win over denyOut. */
  allowOut?: SandboxNetworkSelector;
  /** Denied destinations (IPs or CIDRs). */
  denyOut?: SandboxNetworkSelector;
  rules?: SandboxNetworkRules;
  egressProxy?: SandboxEgressProxyOpts;
  /** False: the sandbox's URLs need its traffic access token. @default true */
  allowPublicTraffic?: boolean;
  /** Host written into requests to the sandbox; may contain `${PORT}`. */
  maskRequestHost?: string;
  /** Ports served over HTTPS by the sandbox itself. */
  httpsPorts?: number[];
}

/** Network settings as reported by getInfo. */
export interface SandboxNetworkInfo {
  allowOut?: string[];
  denyOut?: string[];
  rules?: Record<string, SandboxNetworkRuleInfo[]>;
  egressProxy?: SandboxEgressProxyInfo;
  allowPublicTraffic?: boolean;
  maskRequestHost?: string;
  httpsPorts?: number[];
}

/** What `updateNetwork` replaces; a field left out is cleared, as E2B's PUT does. */
export interface SandboxNetworkUpdate {
  /** IPs, CIDRs or domain names allowed even where denyOut covers them. */
  allowOut?: SandboxNetworkSelector;
  /** IPs or CIDRs refused (`0.0.0.0/0` is all traffic). */
  denyOut?: SandboxNetworkSelector;
  rules?: SandboxNetworkRules;
  egressProxy?: SandboxEgressProxyOpts;
  /** False denies everything but allowOut (E2B: the same as denyOut of all traffic). */
  allowInternetAccess?: boolean;
}

/** Token names a transform function reads: none are registered, so each read explains why. */
function noTokens(): Record<string, string> {
  return new Proxy({} as Record<string, string>, {
    get(_target, prop) {
      if (typeof prop !== 'string' || prop === 'then' || prop === 'toJSON') return undefined;
      throw new InvalidArgumentError(`network transform reads iam token '${prop}', but e2b-ts does not register workload identity tokens`);
    },
  });
}

function plainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function ruleMap(rules: SandboxNetworkRules | undefined): Map<string, SandboxNetworkRule[]> {
  if (rules instanceof Map) return rules;
  return new Map(Object.entries(rules ?? {}));
}

function selectorList(selector: SandboxNetworkSelector | undefined, rules: Map<string, SandboxNetworkRule[]>, field: string): string[] | undefined {
  if (selector === undefined) return undefined;
  const list = typeof selector === 'function' ? selector({ allTraffic: ALL_TRAFFIC, rules }) : selector;
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) {
    throw new InvalidArgumentError(`network ${field} must be a list of strings (or a function returning one)`);
  }
  return list;
}

function rulesBody(rules: Map<string, SandboxNetworkRule[]>): Record<string, Array<{ transform?: SandboxNetworkTransform }>> {
  const out: Record<string, Array<{ transform?: SandboxNetworkTransform }>> = {};
  for (const [host, list] of rules) {
    out[host] = list.map((rule) => {
      if (rule.transform == null) return {};
      if (typeof rule.transform !== 'function') return { transform: rule.transform };
      const transform: unknown = rule.transform({ iam: { tokens: noTokens() } });
      if (transform && typeof (transform as { then?: unknown }).then === 'function') {
        throw new InvalidArgumentError(`network transform for '${host}' must return its value, not a promise`);
      }
      if (!plainObject(transform)) throw new InvalidArgumentError(`network transform for '${host}' must return an object like { headers: {...} }`);
      return { transform: transform as SandboxNetworkTransform };
    });
  }
  return out;
}

function proxyBody(proxy: SandboxEgressProxyOpts): NonNullable<SandboxNetworkConfig['egressProxy']> {
  if (!plainObject(proxy) || typeof proxy.address !== 'string') {
    throw new InvalidArgumentError("network egressProxy must be an object with a string 'address' (host:port)");
  }
  return {
    address: proxy.address,
    ...(proxy.username != null ? { username: proxy.username } : {}),
    ...(proxy.password != null ? { password: proxy.password } : {}),
  };
}

/** The egress part shared by create and update, functions resolved. */
function egressBody(network: SandboxNetworkOpts | SandboxNetworkUpdate): SandboxNetworkUpdateConfig {
  const rules = ruleMap(network.rules);
  const body: SandboxNetworkUpdateConfig = {};
  const allowOut = selectorList(network.allowOut, rules, 'allowOut');
  const denyOut = selectorList(network.denyOut, rules, 'denyOut');
  if (allowOut) body.allowOut = allowOut;
  if (denyOut) body.denyOut = denyOut;
  if (network.egressProxy != null) body.egressProxy = proxyBody(network.egressProxy);
  if (network.rules !== undefined) body.rules = rulesBody(rules);
  return body;
}

/** The `network` field of a create request. */
export function networkBody(network: SandboxNetworkOpts): SandboxNetworkConfig & { httpsPorts?: number[] } {
  const body: SandboxNetworkConfig & { httpsPorts?: number[] } = egressBody(network);
  if (network.allowPublicTraffic !== undefined) body.allowPublicTraffic = network.allowPublicTraffic;
  if (network.maskRequestHost !== undefined) body.maskRequestHost = network.maskRequestHost;
  if (network.httpsPorts !== undefined) body.httpsPorts = network.httpsPorts;
  return body;
}

/** The body of `PUT /sandboxes/{id}/network`. */
export function networkUpdateBody(network: SandboxNetworkUpdate): SandboxNetworkUpdateConfig {
  const body = egressBody(network);
  if (network.allowInternetAccess !== undefined) body.allow_internet_access = network.allowInternetAccess;
  return body;
}

/** The network settings a sandbox reports, with the wire's `null` proxy dropped. */
export function networkInfoFromWire(wire: SandboxNetworkConfig & { httpsPorts?: number[] }): SandboxNetworkInfo {
  const info: SandboxNetworkInfo = {};
  if (wire.allowOut) info.allowOut = wire.allowOut;
  if (wire.denyOut) info.denyOut = wire.denyOut;
  if (wire.rules) info.rules = wire.rules;
  if (wire.egressProxy)
    info.egressProxy = { address: wire.egressProxy.address, ...(wire.egressProxy.username !== undefined ? { username: wire.egressProxy.username } : {}) };
  if (wire.allowPublicTraffic !== undefined) info.allowPublicTraffic = wire.allowPublicTraffic;
  if (wire.maskRequestHost !== undefined) info.maskRequestHost = wire.maskRequestHost;
  if (wire.httpsPorts !== undefined) info.httpsPorts = wire.httpsPorts;
  return info;
}

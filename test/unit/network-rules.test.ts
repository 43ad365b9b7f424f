/**
 * The pure parts of a sandbox's network rules (src/local/runtime/network.ts, egress-proxy.ts):
 * which allowOut/denyOut entries are addresses and which are names, how names match, and the
 * nftables script E2B's ordering turns into.
 */
import { describe, expect, it } from 'vitest';
import { domainEntry, nameAllowed } from '../../src/local/runtime/egress-proxy.js';
import { egressRuleset, hostOnly, needsUplink, parseCidr } from '../../src/local/runtime/network.js';

describe('parseCidr', () => {
  it('takes IPs and CIDRs of both families, clearing host bits as nftables wants', () => {
    expect(parseCidr('8.8.8.8')).toEqual({ family: 4, text: '8.8.8.8' });
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, text: '10.0.0.0/8' });
    expect(parseCidr('0.0.0.0/0')).toEqual({ family: 4, text: '0.0.0.0/0' });
    expect(parseCidr('2001:db8::1/32')).toEqual({ family: 6, text: '2001:db8:0:0:0:0:0:0/32' });
    expect(parseCidr('::/0')).toEqual({ family: 6, text: '0:0:0:0:0:0:0:0/0' });
  });

  it('refuses what is not one (names, bad prefixes, garbage that could reach nft)', () => {
    for (const bad of ['example.com', '10.0.0.0/33', '10.0.0.0/-1', '1.2.3.4/8/9', '1.2.3.4; flush ruleset', '', '::1/129', '1.2.3.4/ 8']) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
  });
});

describe('domain entries and matching', () => {
  it('takes names and *. wildcards, lower-cased, without a trailing dot', () => {
    expect(domainEntry('Example.COM.')).toBe('example.com');
    expect(domainEntry('*.example.com')).toBe('*.example.com');
    for (const bad of ['1.2.3.4', '10.0.0.0/8', 'a..b', '-a.com', 'a_b.com', 'exa mple.com', '*', '*.']) expect(domainEntry(bad), bad).toBeUndefined();
  });

  it('a name matches itself; a wildcard matches names below it at any depth, not itself', () => {
    const entries = ['api.example.com', '*.wild.test'];
    expect(nameAllowed('api.example.com', entries)).toBe(true);
    expect(nameAllowed('API.Example.com.', entries)).toBe(true);
    expect(nameAllowed('example.com', entries)).toBe(false);
    expect(nameAllowed('x.api.example.com', entries)).toBe(false);
    expect(nameAllowed('a.wild.test', entries)).toBe(true);
    expect(nameAllowed('a.b.wild.test', entries)).toBe(true);
    expect(nameAllowed('wild.test', entries)).toBe(false);
    expect(nameAllowed('notwild.test', entries)).toBe(false);
    // an address in Host or SNI is never a name
    expect(nameAllowed('1.2.3.4', ['1.2.3.4'])).toBe(false);
  });
});

describe('egressRuleset', () => {
  const host = ['192.0.2.2', 'fd00::2'];

  it('refuses the host first, then allowOut accepts before denyOut refuses', () => {
    const script = egressRuleset({ internet: true, allowOut: ['1.1.1.1'], denyOut: ['1.0.0.0/8'] }, host);
    const rules = script.split('\n').map((l) => l.trim());
    const at = (rule: string) => rules.findIndex((l) => l.startsWith(rule));
    expect(at('ip daddr @host4 reject')).toBeGreaterThan(-1);
    expect(at('ip daddr @host4 reject')).toBeLessThan(at('ip daddr @allow4 accept'));
    expect(at('ip daddr @allow4 accept')).toBeLessThan(at('ip daddr @deny4 reject'));
    expect(script).toContain('elements = { 1.1.1.1 }');
    expect(script).toContain('elements = { 1.0.0.0/8 }');
    expect(script).toContain('elements = { 192.0.2.2 }');
    expect(script).toContain('elements = { fd00::2 }');
    // replaced in one transaction, the first time too
    expect(rules.slice(0, 2)).toEqual(['table inet e2b_ts', 'delete table inet e2b_ts']);
    expect(script).not.toContain('chain names');
  });

  it('no internet is a denyOut of everything, v4 and v6, that allowOut still opens', () => {
    const script = egressRuleset({ internet: false, allowOut: ['10.9.9.9'], denyOut: [] }, host);
    expect(script).toContain('elements = { 0.0.0.0/0 }');
    expect(script).toContain('elements = { 0:0:0:0:0:0:0:0/0 }');
    expect(script).toContain('elements = { 10.9.9.9 }');
    expect(needsUplink({ internet: false, allowOut: [], denyOut: [] })).toBe(false);
    expect(needsUplink({ internet: false, allowOut: ['10.9.9.9'], denyOut: [] })).toBe(true);
    expect(needsUplink({ internet: false, allowOut: [], denyOut: [], allowNames: ['a.test'] })).toBe(true);
  });

  it('names redirect TCP 80/443 the address rules refuse to the relay, and let DNS through', () => {
    const script = egressRuleset({ internet: false, allowOut: [], denyOut: [], allowNames: ['a.test'] }, host);
    expect(script).toContain('chain names');
    expect(script).toMatch(/ip daddr @deny4 tcp dport 80 redirect to :15080/);
    expect(script).toMatch(/ip daddr @deny4 tcp dport 443 redirect to :15443/);
    expect(script).toMatch(/th dport 53 accept/);
    // the host stays out of reach: it is never redirected
    const names = script.slice(script.indexOf('chain names'));
    expect(names.indexOf('ip daddr @host4 return')).toBeLessThan(names.indexOf('redirect'));
  });

  it('entries that are not addresses never reach the script', () => {
    const script = egressRuleset({ internet: true, allowOut: ['1.2.3.4; flush ruleset', 'example.com'], denyOut: ['} table x {'] }, []);
    expect(script).not.toContain('flush');
    expect(script).not.toContain('example.com');
    expect(script).not.toContain('table x');
  });
});

describe('hostOnly', () => {
  it("is the host's addresses and loopback, in any spelling", () => {
    expect(hostOnly('192.0.2.2', ['192.0.2.2'])).toBe(true);
    expect(hostOnly('::ffff:192.0.2.2', ['192.0.2.2'])).toBe(true);
    expect(hostOnly('127.8.9.1', [])).toBe(true);
    expect(hostOnly('::1', [])).toBe(true);
    expect(hostOnly('0.0.0.0', [])).toBe(true);
    expect(hostOnly('10.1.1.2', ['192.0.2.2'])).toBe(false);
  });
});

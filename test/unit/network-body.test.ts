/**
 * Network options in the official SDK's shapes become the API's plain body: selector functions
 * are called with the rules, Map rules and transform functions are resolved, bad shapes are
 * refused before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import { ALL_TRAFFIC, networkBody, networkInfoFromWire, networkUpdateBody } from '../../src/client/network.js';
import { AbortError, InvalidArgumentError, TimeoutError, errorFromConnect } from '../../src/client/errors.js';

describe('network bodies', () => {
  it('lists pass through; selector functions get ALL_TRAFFIC and the rules', () => {
    const seen: string[][] = [];
    const body = networkBody({
      allowOut: (ctx) => {
        seen.push([ctx.allTraffic, ...ctx.rules.keys()]);
        return [...ctx.rules.keys()];
      },
      denyOut: ({ allTraffic }) => [allTraffic],
      rules: new Map([['api.example.com', [{ transform: { headers: { 'x-a': '1' } } }]]]),
      allowPublicTraffic: false,
    });
    expect(seen).toEqual([[ALL_TRAFFIC, 'api.example.com']]);
    expect(body).toEqual({
      allowOut: ['api.example.com'],
      denyOut: ['0.0.0.0/0'],
      rules: { 'api.example.com': [{ transform: { headers: { 'x-a': '1' } } }] },
      allowPublicTraffic: false,
    });
  });

  it('transform functions are resolved; one that names an iam token or returns a promise is refused', () => {
    expect(networkUpdateBody({ rules: { 'a.example': [{ transform: () => ({ headers: { h: 'v' } }) }, {}] }, allowInternetAccess: false })).toEqual({
      rules: { 'a.example': [{ transform: { headers: { h: 'v' } } }, {}] },
      allow_internet_access: false,
    });
    expect(() => networkBody({ rules: { 'a.example': [{ transform: (ctx) => ({ headers: { authorization: ctx.iam.tokens.github! } }) }] } })).toThrow(
      /iam token 'github'/,
    );
    expect(() => networkBody({ rules: { 'a.example': [{ transform: (() => Promise.resolve({})) as never }] } })).toThrow(InvalidArgumentError);
    expect(() => networkBody({ allowOut: (() => 'x') as never })).toThrow(/list of strings/);
    expect(() => networkBody({ egressProxy: { port: 1 } as never })).toThrow(/address/);
  });

  it("the API's answer: the null proxy is dropped and a password never comes back", () => {
    expect(networkInfoFromWire({ allowOut: ['1.1.1.1'], egressProxy: null })).toEqual({ allowOut: ['1.1.1.1'] });
    expect(networkInfoFromWire({ egressProxy: { address: 'p:1080', username: 'u', password: 'secret' } })).toEqual({
      egressProxy: { address: 'p:1080', username: 'u' },
    });
  });
});

describe('canceled calls', () => {
  it('are AbortErrors, which are TimeoutErrors as the official SDK reports them', () => {
    const error = errorFromConnect('canceled', 'operation was aborted', undefined);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('E2B_ABORTED');
  });
});

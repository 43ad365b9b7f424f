import { describe, expect, it } from 'vitest';
import { fileUrl, getSignature } from '../../src/client/signature.js';

describe('getSignature (protocol Appendix A vectors)', () => {
  it('read, default user, no expiration', () => {
    expect(getSignature({ path: '/home/user/a.txt', operation: 'read', user: '', accessToken: 'tok' })).toBe('v1_Zkbb3914oLJLvMBzCAHQhm2ydBLxbSx2eQUR/kLdvIY');
  });

  it('write, user "user", expiration 1700000000', () => {
    expect(getSignature({ path: '/home/user/a.txt', operation: 'write', user: 'user', accessToken: 'tok', expiration: 1_700_000_000 })).toBe(
      'v1_x09R0+VxB2mRzkxWcRyFCpiJmFv0okUrtgQ6q12G0jM',
    );
  });

  it('changes with every input', () => {
    const base = { path: '/a', operation: 'read' as const, user: '', accessToken: 't' };
    const sig = getSignature(base);
    expect(getSignature({ ...base, path: '/b' })).not.toBe(sig);
    expect(getSignature({ ...base, operation: 'write' })).not.toBe(sig);
    expect(getSignature({ ...base, user: 'root' })).not.toBe(sig);
    expect(getSignature({ ...base, accessToken: 'u' })).not.toBe(sig);
    expect(getSignature({ ...base, expiration: 1 })).not.toBe(sig);
    expect(sig).not.toMatch(/=$/);
  });
});

describe('fileUrl', () => {
  const now = () => 1_699_999_000_000;

  it('signs with the path exactly as sent, drops any path prefix of the base URL', () => {
    const url = new URL(fileUrl('http://127.0.0.1:4000/prefix', '/home/user/a.txt', 'read', 'tok', {}, now));
    expect(url.pathname).toBe('/files');
    expect(url.searchParams.get('path')).toBe('/home/user/a.txt');
    expect(url.searchParams.get('signature')).toBe('v1_Zkbb3914oLJLvMBzCAHQhm2ydBLxbSx2eQUR/kLdvIY');
    expect(url.searchParams.has('username')).toBe(false);
    expect(url.searchParams.has('signature_expiration')).toBe(false);
  });

  it('adds user and expiration (now + seconds)', () => {
    const url = new URL(fileUrl('https://49983-x.e2b.app', '/home/user/a.txt', 'write', 'tok', { user: 'user', useSignatureExpiration: 1000 }, now));
    expect(url.searchParams.get('username')).toBe('user');
    expect(url.searchParams.get('signature_expiration')).toBe('1700000000');
    expect(url.searchParams.get('signature')).toBe('v1_x09R0+VxB2mRzkxWcRyFCpiJmFv0okUrtgQ6q12G0jM');
    // '+' and '/' of the base64 must be percent-encoded in the query
    expect(url.search).toContain('signature=v1_x09R0%2BVxB2mRzkxWcRyFCpiJmFv0okUrtgQ6q12G0jM');
  });

  it('is unsigned without an access token, and omits an empty path', () => {
    const url = new URL(fileUrl('http://h', undefined, 'write', undefined));
    expect(url.search).toBe('');
  });
});

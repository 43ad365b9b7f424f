/** The envd transports put the protocol's headers on the wire (checked on a real server). */
import { createClient } from '@connectrpc/connect';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/client/config.js';
import { EnvdHttp, basicUserAuth, createEnvdTransport, rpcCallHeaders } from '../../src/client/transport/envd.js';
import { Process } from '../../src/gen/envd/process/process_pb.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('envd transport', () => {
  it('Basic user auth has the user name and an empty password', () => {
    expect(basicUserAuth('user')).toBe('Basic dXNlcjo=');
    expect(basicUserAuth('root')).toBe('Basic cm9vdDo=');
  });

  it('RPC calls carry routing, access token, user and keepalive headers', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/proto' });
      res.end();
    });
    const config = resolveConfig({ apiKey: 'e2b_00', sandboxUrl: server.url }, {});
    const transport = await createEnvdTransport({ sandboxId: 'isbx1', url: server.url, accessToken: 'tok123' }, config);
    const client = createClient(Process, transport);
    await client.list({}, { headers: rpcCallHeaders({ user: 'root', stream: true }) });
    const req = server.requests[0];
    expect(req.url).toBe('/process.Process/List');
    expect(req.headers['e2b-sandbox-id']).toBe('isbx1');
    expect(req.headers['e2b-sandbox-port']).toBe('49983');
    expect(req.headers['x-access-token']).toBe('tok123');
    expect(req.headers.authorization).toBe('Basic cm9vdDo=');
    expect(req.headers['keepalive-ping-interval']).toBe('50');
    expect(req.headers['connect-protocol-version']).toBe('1');
    expect(req.headers['user-agent']).toMatch(/^e2b-ts\//);
    // the API key never goes to envd
    expect(JSON.stringify(req.headers)).not.toContain('e2b_00');
  });

  it('no access token header for unsecured sandboxes; health maps 204/502', async () => {
    server = await startTestServer((req, res) => {
      res.writeHead(req.headers['e2b-sandbox-id'] === 'alive' ? 204 : 502);
      res.end();
    });
    const config = resolveConfig({}, {});
    expect(await new EnvdHttp({ sandboxId: 'alive', url: server.url }, config).health()).toBe(true);
    expect(await new EnvdHttp({ sandboxId: 'dead', url: server.url }, config).health()).toBe(false);
    expect(server.requests[0].headers['x-access-token']).toBeUndefined();
    expect(server.requests[0].url).toBe('/health');
  });
});

/** Request and response helpers of the control-plane API (E2B's JSON error shape). */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';

/** An error that becomes an API error response. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

/** `{"code": <status>, "message": "…"}`, on every error status (the Python SDK requires both fields). */
export function sendApiError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { code: status, message });
}

/**
 * When an upstream answered before it had the whole request body (an upload it refused), drops
 * the rest of that body: Node's client request stops taking more once its response has come (it
 * drops its socket's drain listener with it), so the piped body would stall for good, and with
 * it a client still sending, which would never read the answer or send its next request.
 */
export function dropBodyOnEarlyAnswer(answer: IncomingMessage, req: IncomingMessage, upstream: ClientRequest): void {
  answer.on('end', () => {
    if (upstream.writableFinished) return;
    req.unpipe(upstream);
    upstream.destroy();
    req.resume();
  });
}

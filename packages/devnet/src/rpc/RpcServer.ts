import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AidocError } from '@aidoc/sdk/errors';
import { type WebSocket, WebSocketServer } from 'ws';
import type { RpcSession } from './RpcContext';
import type { RpcDispatcher } from './RpcDispatcher';

/** Largest request body (HTTP) or message (WebSocket) accepted: 16 MiB, a little above geth's 15 MiB. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, GET, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization',
};

function errorBody(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } });
}

/** A running JSON-RPC server (HTTP and WebSocket on one port). */
export interface RpcServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serve JSON-RPC 2.0 over HTTP POST and WebSocket on one port, as geth and Anvil do. Malformed input gets
 * the protocol's error shape and the server keeps serving.
 */
export async function startRpcServer(
  dispatcher: RpcDispatcher,
  opts: { host: string; port: number },
): Promise<RpcServer> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => void handleHttp(dispatcher, req, res));
  server.keepAliveTimeout = 65_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => serveWebSocket(dispatcher, ws));
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        reject(
          new AidocError('PORT_IN_USE', `port ${opts.port} on ${opts.host} is already in use`, {
            details: 'Stop the other process, or pick another port with --port (0 picks a free one).',
            cause: e,
          }),
        );
      } else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
        reject(new AidocError('INVALID_INPUT', `cannot listen on host ${opts.host}`, { cause: e }));
      } else reject(e);
    };
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host: opts.host,
    port,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

async function handleHttp(
  dispatcher: RpcDispatcher,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const send = (status: number, body: string) => {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json', ...CORS });
    res.end(body);
  };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, CORS);
    res.end();
    return;
  }
  if (req.method === 'GET' && (req.url === '/health' || req.url === '/')) {
    send(200, JSON.stringify({ status: 'ok' }));
    return;
  }
  if (req.method !== 'POST') {
    send(405, errorBody(-32600, `HTTP method ${req.method} not allowed: send JSON-RPC with POST`));
    return;
  }
  const tooLargeReply = () => {
    // As Go's net/http: refuse, say the connection closes, and close it once the reply is out.
    if (res.headersSent) return;
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close', ...CORS });
    const socket = req.socket;
    res.end(errorBody(-32005, `request body too large: at most ${MAX_BODY_BYTES} bytes`), () =>
      socket?.destroy(),
    );
  };
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    tooLargeReply();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        break;
      }
      chunks.push(chunk as Buffer);
    }
  } catch {
    return; // client went away
  }
  if (tooLarge) {
    tooLargeReply();
    return;
  }
  const session: RpcSession = { onClose() {} };
  const out = await dispatcher.handleText(Buffer.concat(chunks).toString('utf8'), session);
  if (out === undefined) {
    res.writeHead(204, CORS);
    res.end();
    return;
  }
  send(200, out);
}

function serveWebSocket(dispatcher: RpcDispatcher, ws: WebSocket): void {
  const closers: (() => void)[] = [];
  const session: RpcSession = {
    notify: (subscription, result) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(
        JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription, result } }),
      );
    },
    onClose: (fn) => closers.push(fn),
  };
  // Responses go out in request order even when handlers finish out of order.
  let queue: Promise<void> = Promise.resolve();
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
    const pending = dispatcher.handleText(text, session);
    queue = queue.then(async () => {
      const out = await pending;
      if (out !== undefined && ws.readyState === ws.OPEN) ws.send(out);
    });
  });
  ws.on('close', () => {
    for (const c of closers) c();
  });
  ws.on('error', () => ws.terminate());
}

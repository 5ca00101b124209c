/**
 * Lets a closing server finish without waiting on its clients. Node's
 * server.close() drops only keep-alive connections idle at that moment; a
 * connection busy with an answer, or opened but not yet used, would hold the
 * close for minutes (until Node's header timeout). So on drain: connections
 * without an answer in progress are dropped now, the others right after their
 * answer is complete.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface ConnectionDrain {
  /** Call for every request, as early as possible. */
  track(response: ServerResponse): void;
  drain(): void;
}

export function trackConnections(app: FastifyInstance): ConnectionDrain {
  const sockets = new Set<Socket>();
  const responses = new Set<ServerResponse>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    track(response) {
      responses.add(response);
      response.once('close', () => responses.delete(response));
    },
    drain() {
      const busy = new Set<unknown>();
      for (const response of responses) {
        busy.add(response.socket);
        closeAfterAnswer(response);
      }
      for (const socket of sockets) if (!busy.has(socket)) socket.destroy();
    },
  };
}

function closeAfterAnswer(response: ServerResponse): void {
  if (!response.headersSent) {
    response.setHeader('connection', 'close');
    return;
  }
  const socket = response.socket;
  response.once('finish', () => socket?.end());
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Socket as TcpSocket } from 'node:net';
import {
  connectionsOf,
  inFlightBytes,
  openTcpOf,
  packetBytes,
  tcpOf,
  type EngineConnection,
} from '../../server/rooms/engine-connection.js';
import { createBlog, postEntry } from '../support/api.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { connectRaw } from '../support/raw-socket.js';
import { openRawPolling } from '../support/raw-polling.js';

/**
 * What the slow-reader cut, the fan-out's direct path and the per-address count read of
 * Engine.IO, ws and Node beyond their documented API. Should an upgrade rename any of it,
 * these fail here, by name, rather than readers quietly going uncapped.
 */
describe('the Engine.IO, ws and Node internals the reader connections rely on', () => {
  let server: TestInstance;

  before(async () => {
    server = await startInstance();
    await createBlog(server.url, server.adminToken, { id: 'internals', title: 'Internals' });
  });
  after(() => server.close());

  function connectionOf(id: string): EngineConnection {
    const socket = server.application.io.sockets.sockets.get(id);
    assert.ok(socket !== undefined, 'connected');
    return socket.conn as unknown as EngineConnection;
  }

  it('when a reader is on WebSocket, then its connection leads to ws and to the TCP socket, with what a cut and the stall clock use', async () => {
    const reader = await connectRaw(server.url);
    const conn = connectionOf(reader.id!);
    assert.equal(connectionsOf(server.application.io.engine)[conn.id], conn, 'the engine keeps its connections by id in `clients`');
    assert.equal(conn.readyState, 'open');
    assert.equal(conn.upgrading, false);
    assert.ok(Array.isArray(conn.writeBuffer), "Engine.IO's queue is `writeBuffer`");
    assert.equal(conn.transport.name, 'websocket');
    assert.equal(typeof conn.transport.writable, 'boolean');
    assert.equal(typeof conn.transport.socket?.terminate, 'function', "ws' WebSocket is the transport's `socket`");
    const tcp = tcpOf(conn);
    assert.ok(tcp instanceof TcpSocket, "ws keeps the TCP socket as `_socket`");
    assert.equal(openTcpOf(conn), tcp);
    assert.equal(typeof tcp.resetAndDestroy, 'function');
    assert.equal(typeof tcp.bytesWritten, 'number');
    const handle = (tcp as unknown as { _handle?: { writeQueueSize?: unknown } })._handle;
    assert.equal(typeof handle?.writeQueueSize, 'number', "Node's `_handle.writeQueueSize` (what its own socket timeout reads)");
    assert.equal(inFlightBytes(tcp), 0, 'nothing in flight for a reader that keeps up');
    reader.disconnect();
  });

  it('when a long-polling reader is between polls, then what is sent waits as packets with string data, and a poll replaces the queue', async () => {
    const reader = await openRawPolling(server.url);
    assert.equal(await reader.send('420["subscribe",{"blogId":"internals"}]'), 200);
    await reader.poll();
    const conn = connectionsOf(server.application.io.engine)[reader.sid]!;
    assert.equal(conn.transport.name, 'polling');
    assert.equal(tcpOf(conn), undefined, 'long-polling has no socket of its own');

    await postEntry(server.url, server.adminToken, 'internals', 'Waits for the next poll');
    const queue = conn.writeBuffer;
    const update = queue.find((p) => typeof p.data === 'string' && p.data.startsWith('2["update"'));
    assert.ok(update !== undefined, 'the update waits in the queue, its data the encoded packet');
    assert.equal(update.type, 'message');
    assert.equal(packetBytes(update), Buffer.byteLength(update.data as string));

    const { packets } = await reader.poll();
    assert.ok(packets.some((p) => p.startsWith('42["update"')));
    assert.notEqual(conn.writeBuffer, queue, 'a flush starts a new queue (what the byte count keys on)');
    assert.equal(conn.writeBuffer.length, 0);
  });

  it('when the handshake opens a connection, then its request is there for the per-address count before it is let go', async () => {
    const seen: unknown[] = [];
    const engine = server.application.io.engine;
    // Prepended: it runs before the application's own listeners, as the per-address count does.
    const listener = (conn: EngineConnection): void => {
      seen.push(conn.request);
    };
    engine.prependListener('connection', listener);
    const reader = await connectRaw(server.url);
    engine.off('connection', listener);
    assert.equal(seen.length, 1);
    assert.ok(seen[0] !== null && typeof seen[0] === 'object' && 'headers' in seen[0], 'the first listener sees the handshake request');
    assert.equal(connectionOf(reader.id!).request, null, 'and the application lets go of it afterwards');
    reader.disconnect();
  });
});

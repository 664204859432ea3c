/** Engine.IO v4 separates the packets of one long-polling payload with this character. */
const SEPARATOR = '\x1e';

/** A long-polling reader that speaks Engine.IO and Socket.IO by hand, and polls only when told. */
export interface RawPollingReader {
  /** The Engine.IO session id. */
  readonly sid: string;
  /** Sends packets in one POST; resolves with the HTTP status. */
  send(...packets: string[]): Promise<number>;
  /** One GET: the packets the server had waiting (or sends within its poll), and the HTTP status. */
  poll(): Promise<{ status: number; packets: string[] }>;
}

/**
 * Opens a long-polling connection and joins the default namespace; from then on nothing
 * is fetched unless the test polls, as a client that stopped polling would behave.
 *
 * @example
 * const reader = await openRawPolling(server.url);
 * await reader.send('420["subscribe",{"blogId":"storm"}]');
 * const { packets } = await reader.poll(); // ['430[{"ok":true,...}]']
 */
export async function openRawPolling(baseUrl: string, headers: Record<string, string> = {}): Promise<RawPollingReader> {
  const endpoint = `${baseUrl}/socket.io/?EIO=4&transport=polling`;
  const open = await fetch(endpoint, { headers });
  const text = await open.text();
  if (open.status !== 200 || !text.startsWith('0')) throw new Error(`handshake refused: ${open.status} ${text}`);
  const { sid } = JSON.parse(text.slice(1)) as { sid: string };
  const url = `${endpoint}&sid=${sid}`;
  const reader: RawPollingReader = {
    sid,
    async send(...packets) {
      const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain;charset=UTF-8' }, body: packets.join(SEPARATOR) });
      await res.text();
      return res.status;
    },
    async poll() {
      const res = await fetch(url, { headers });
      const body = await res.text();
      return { status: res.status, packets: res.status === 200 ? body.split(SEPARATOR) : [] };
    },
  };
  await reader.send('40');
  const connected = await reader.poll();
  if (!connected.packets.some((p) => p.startsWith('40'))) throw new Error(`namespace not joined: ${connected.packets.join(' | ')}`);
  return reader;
}

import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Blog, Entry, Position } from '../../shared/index.js';
import type { EventStore } from '../../server/store/event-store.js';
import { blogContract } from './contract-blogs.js';
import { edgeContract } from './contract-edges.js';
import { entryContract } from './contract-entries.js';
import { eventsContract } from './contract-events.js';
import { startRestApp, uniqueBlogId, type RestApp } from './support.js';

export type StoreFactory = () => Promise<{ store: EventStore; close(): Promise<void> }>;

/** What every part of the contract gets: the running app, valid once `before` ran. */
export interface ContractContext {
  readonly app: RestApp;
  /** Creates a blog as the editor (unique id) and asserts it worked. */
  blog(title?: string): Promise<{ blog: Blog; position: Position }>;
  /** Posts an entry as the editor and asserts it worked. */
  entry(blogId: string, input?: Record<string, unknown>): Promise<{ entry: Entry; position: Position }>;
}

/**
 * The whole REST contract against one kind of store; `rest-memory.test.ts` and
 * `rest-redis.test.ts` run it, so both stores answer the API identically.
 *
 * @example
 * restContract('memory', async () => { const bus = new MemoryBus(); return { store: new MemoryStore({ bus, logMax: 1000 }), close: () => bus.close() }; });
 */
export function restContract(name: string, makeStore: StoreFactory): void {
  describe(`REST contract (${name} store)`, () => {
    let app: RestApp | undefined;
    let closeStore: (() => Promise<void>) | undefined;

    before(async () => {
      const made = await makeStore();
      closeStore = made.close;
      app = await startRestApp(made.store);
    });
    after(async () => {
      await app?.close();
      await closeStore?.();
    });

    const ctx: ContractContext = {
      get app(): RestApp {
        assert.ok(app, 'the app starts in before()');
        return app;
      },
      async blog(title = 'Test blog') {
        const res = await ctx.app.call('POST', '/api/blogs', {
          token: ctx.app.editorToken,
          json: { id: uniqueBlogId('blog'), title },
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return res.body;
      },
      async entry(blogId, input = { body: 'Polls have closed.' }) {
        const res = await ctx.app.call('POST', `/api/blogs/${blogId}/entries`, { token: ctx.app.editorToken, json: input });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return res.body;
      },
    };

    blogContract(ctx);
    entryContract(ctx);
    eventsContract(ctx);
    edgeContract(ctx);
  });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdminTokenAuthenticator, CompositeAuthenticator, MemoryTokenStore } from '../../server/auth/index.js';
import { AppError } from '../../server/errors/app-error.js';

const ADMIN = 'composite-admin-token-0123456789';

describe('AdminTokenAuthenticator', () => {
  test('when the configured token is presented, then the principal is the admin', async () => {
    const admin = new AdminTokenAuthenticator(ADMIN);
    assert.deepEqual(await admin.authenticate(ADMIN), { name: 'admin', role: 'admin', tokenId: 'admin' });
  });

  test('when anything else is presented, then null, whatever its length', async () => {
    const admin = new AdminTokenAuthenticator(ADMIN);
    for (const guess of ['', ADMIN.slice(0, -1), `${ADMIN}0`, ADMIN.toUpperCase(), ` ${ADMIN}`, 'x'.repeat(10_000)]) {
      assert.equal(await admin.authenticate(guess), null, JSON.stringify(guess.slice(0, 40)));
    }
  });

  test('when configured with an empty token, then it refuses to start', () => {
    assert.throws(() => new AdminTokenAuthenticator(''));
  });
});

describe('CompositeAuthenticator', () => {
  test('when a store token is presented, then its name and role become the principal and its use is recorded', async () => {
    const tokens = new MemoryTokenStore();
    const auth = new CompositeAuthenticator(new AdminTokenAuthenticator(ADMIN), tokens);
    const { token, record } = await tokens.create('Night desk', 'editor');

    assert.deepEqual(await auth.authenticate(token), { name: 'Night desk', role: 'editor', tokenId: record.id });
    const [listed] = await tokens.list();
    assert.equal(listed?.id, record.id);
    assert.ok(listed?.lastUsedAt !== undefined);
  });

  test('when the admin token is presented, then the store is not consulted', async () => {
    const tokens = new (class extends MemoryTokenStore {
      override async verify(): Promise<null> {
        throw new Error('the store must not be asked for the admin token');
      }
    })();
    const auth = new CompositeAuthenticator(new AdminTokenAuthenticator(ADMIN), tokens);
    assert.deepEqual(await auth.authenticate(ADMIN), { name: 'admin', role: 'admin', tokenId: 'admin' });
  });

  test('when recording a use fails, then the verified token is still accepted', async () => {
    const tokens = new (class extends MemoryTokenStore {
      override async touch(): Promise<void> {
        throw new AppError('store_unavailable', 'down');
      }
    })();
    const auth = new CompositeAuthenticator(new AdminTokenAuthenticator(ADMIN), tokens);
    const { token, record } = await tokens.create('Resilient', 'editor');
    assert.deepEqual(await auth.authenticate(token), { name: 'Resilient', role: 'editor', tokenId: record.id });
  });

  test('when verifying fails because the store is down, then the error propagates instead of a null (no false 401)', async () => {
    const tokens = new (class extends MemoryTokenStore {
      override async verify(): Promise<null> {
        throw new AppError('store_unavailable', 'down');
      }
    })();
    const auth = new CompositeAuthenticator(new AdminTokenAuthenticator(ADMIN), tokens);
    await assert.rejects(auth.authenticate(`lb_${'A'.repeat(43)}`), (err: unknown) => err instanceof AppError && err.code === 'store_unavailable');
  });

  test('when an unknown token is presented, then null', async () => {
    const auth = new CompositeAuthenticator(new AdminTokenAuthenticator(ADMIN), new MemoryTokenStore());
    assert.equal(await auth.authenticate(`lb_${'A'.repeat(43)}`), null);
    assert.equal(await auth.authenticate('nope'), null);
  });
});

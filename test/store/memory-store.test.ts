import { MemoryBus } from '../../server/bus/memory-bus.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import { storeConformance } from './conformance.js';

storeConformance('MemoryStore', async ({ logMax }) => {
  const bus = new MemoryBus();
  return { store: new MemoryStore({ bus, logMax }), bus, close: () => bus.close() };
});

export { Presence, type PresenceOptions } from './presence.js';
export { readersKey, checkReport, type PresenceStore } from './presence-store.js';
export { MemoryPresenceStore } from './memory-presence-store.js';
export { RedisPresenceStore } from './redis-presence-store.js';

import { restContract } from './contract.js';
import { memoryStore } from './stores.js';

restContract('memory', memoryStore);

import * as z from 'zod';
import { TokenCreateInput, TokenCreateResult, TokenId, TokenList, TokenRole } from '../../../shared/index.js';
import { apiFor } from '../api-for.js';
import { expectPositionals, looksLikeToken, parseFlags, parsePositional } from '../args.js';
import type { Command } from '../command.js';
import { failWith, usageError } from '../failure.js';
import { NoContent } from '../http.js';
import { say, warn } from '../io.js';
import { dateTime, table } from '../output.js';

const CreateFlags = z.object({ role: TokenRole.default('editor') });

/** `tokens create <name> [--role editor|admin]`: the one time a token is printed. */
export const tokensCreate: Command = {
  name: 'tokens create',
  summary: 'make a token for an editor (admin only); it is printed this once',
  usage: 'tokens create <name> [--role editor|admin]',
  help: [
    '<name>           who uses it: the author shown on their entries (quote it if it has spaces)',
    '--role R         editor (default: may write entries and blogs) or admin (may also manage tokens)',
    'The token alone goes to stdout, so that TOKEN=$(liveblog tokens create "Ana Ruiz") keeps it.',
  ],
  options: { role: { type: 'string' } },
  async run(input) {
    const [name] = expectPositionals(input.positionals, ['name'], this.name);
    const flags = parseFlags(CreateFlags, input.values, this.name);
    const body = parseFlags(TokenCreateInput, { name, role: flags.role }, this.name);
    const api = apiFor(input, { token: 'required' });
    const res = await api.request({ method: 'POST', path: '/api/tokens', body, answer: TokenCreateResult });
    if (!res.ok) failWith(res.failure);
    const { token, record } = res.data;
    say(input.io, token);
    warn(input.io, `made ${record.role} token ${record.id} for "${record.name}"; it is shown only this once, so hand it over now.`);
    return 0;
  },
};

/** `tokens list` */
export const tokensList: Command = {
  name: 'tokens list',
  summary: 'list the tokens: id, name, role, created, last used (admin only)',
  usage: 'tokens list',
  help: [],
  options: {},
  async run(input) {
    expectPositionals(input.positionals, [], this.name);
    const api = apiFor(input, { token: 'required' });
    const res = await api.request({ method: 'GET', path: '/api/tokens', answer: TokenList });
    if (!res.ok) failWith(res.failure);
    if (res.data.tokens.length === 0) {
      say(input.io, 'no editor tokens yet: "liveblog tokens create NAME" makes one');
      return 0;
    }
    const rows = res.data.tokens.map((t) => [t.id, t.name, t.role, dateTime(t.createdAt), t.lastUsedAt === undefined ? '-' : dateTime(t.lastUsedAt)]);
    for (const line of table(['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED'], rows)) say(input.io, line);
    return 0;
  },
};

/** `tokens revoke <id>`: stops working at once, on every instance. */
export const tokensRevoke: Command = {
  name: 'tokens revoke',
  summary: 'revoke a token by its id; it stops working at once (admin only)',
  usage: 'tokens revoke <id>',
  help: ['<id>             the ID column of "liveblog tokens list" (not the token itself)'],
  options: {},
  async run(input) {
    const [raw] = expectPositionals(input.positionals, ['id'], this.name);
    // a pasted secret must not travel in a URL, nor be echoed back in an error
    if (looksLikeToken(raw ?? '')) throw usageError('that is a token, not its id: "liveblog tokens list" shows the ids', this.name);
    const id = parsePositional(TokenId, raw, 'id', this.name);
    const api = apiFor(input, { token: 'required' });
    const res = await api.request({ method: 'DELETE', path: `/api/tokens/${id}`, answer: NoContent });
    if (!res.ok) failWith(res.failure);
    say(input.io, `revoked token ${id}`);
    return 0;
  },
};

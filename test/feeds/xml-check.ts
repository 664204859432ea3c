/**
 * A tiny, strict XML 1.0 reader for tests: enough to prove a feed is well-formed (one root,
 * balanced tags, quoted and unique attributes, only defined entity references, no raw `<` or `&`,
 * no characters XML forbids) and to walk it. Written character by character, no regular
 * expressions, so it cannot share the escaping mistakes it is meant to catch.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (not its children's), entities decoded. */
  text: string;
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export class XmlError extends Error {
  override name = 'XmlError';
}

function isNameStart(c: string): boolean {
  const code = c.charCodeAt(0);
  return c === '_' || c === ':' || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code >= 0xc0;
}

function isNameChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return isNameStart(c) || c === '-' || c === '.' || (code >= 48 && code <= 57) || code === 0xb7;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Characters XML 1.0 allows: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, and the astral planes as surrogate pairs. */
function checkChars(text: string): void {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd)) continue;
    if (code >= 0xd800 && code <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        i += 1;
        continue;
      }
    }
    throw new XmlError(`character U+${code.toString(16).padStart(4, '0')} is not allowed in XML (offset ${i})`);
  }
}

class Reader {
  pos = 0;
  constructor(readonly src: string) {}

  fail(what: string): never {
    throw new XmlError(`${what} at offset ${this.pos}: ${JSON.stringify(this.src.slice(this.pos, this.pos + 40))}`);
  }

  startsWith(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  expect(s: string): void {
    if (!this.startsWith(s)) this.fail(`expected ${JSON.stringify(s)}`);
    this.pos += s.length;
  }

  skipSpace(): void {
    while (isSpace(this.src[this.pos])) this.pos += 1;
  }

  skipPast(end: string, what: string): void {
    const at = this.src.indexOf(end, this.pos);
    if (at < 0) this.fail(`unterminated ${what}`);
    this.pos = at + end.length;
  }

  /** Comments, processing instructions and whitespace between markup outside the root. */
  skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.startsWith('<!--')) this.skipPast('-->', 'comment');
      else if (this.startsWith('<?')) this.skipPast('?>', 'processing instruction');
      else return;
    }
  }

  name(): string {
    const start = this.pos;
    const first = this.src[this.pos];
    if (first === undefined || !isNameStart(first)) this.fail('expected a name');
    this.pos += 1;
    while (this.pos < this.src.length && isNameChar(this.src[this.pos] as string)) this.pos += 1;
    return this.src.slice(start, this.pos);
  }

  reference(): string {
    this.expect('&');
    const end = this.src.indexOf(';', this.pos);
    if (end < 0 || end - this.pos > 10) this.fail('"&" that does not start an entity reference');
    const ref = this.src.slice(this.pos, end);
    this.pos = end + 1;
    if (ref.startsWith('#x')) return codePoint(this, Number.parseInt(ref.slice(2), 16), ref);
    if (ref.startsWith('#')) return codePoint(this, Number.parseInt(ref.slice(1), 10), ref);
    const value = PREDEFINED[ref];
    if (value === undefined) this.fail(`undefined entity &${ref};`);
    return value;
  }

  attributeValue(): string {
    const quote = this.src[this.pos];
    if (quote !== '"' && quote !== "'") this.fail('attribute value without quotes');
    this.pos += 1;
    let value = '';
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.fail('unterminated attribute value');
      if (c === quote) break;
      if (c === '<') this.fail('"<" in an attribute value');
      if (c === '&') value += this.reference();
      else {
        value += c;
        this.pos += 1;
      }
    }
    this.pos += 1;
    return value;
  }

  element(): XmlElement {
    this.expect('<');
    const name = this.name();
    const attributes: Record<string, string> = {};
    for (;;) {
      const hadSpace = isSpace(this.src[this.pos]);
      this.skipSpace();
      if (this.startsWith('/>')) {
        this.pos += 2;
        return { name, attributes, children: [], text: '' };
      }
      if (this.startsWith('>')) {
        this.pos += 1;
        break;
      }
      if (!hadSpace) this.fail('attributes must be separated by whitespace');
      const attr = this.name();
      if (Object.hasOwn(attributes, attr)) this.fail(`duplicate attribute ${attr}`);
      this.skipSpace();
      this.expect('=');
      this.skipSpace();
      attributes[attr] = this.attributeValue();
    }
    const element: XmlElement = { name, attributes, children: [], text: '' };
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.fail(`unclosed <${name}>`);
      if (this.startsWith('</')) {
        this.pos += 2;
        const closing = this.name();
        if (closing !== name) this.fail(`</${closing}> closes <${name}>`);
        this.skipSpace();
        this.expect('>');
        return element;
      }
      if (this.startsWith('<!--')) this.skipPast('-->', 'comment');
      else if (this.startsWith('<![CDATA[')) {
        const start = this.pos + 9;
        this.skipPast(']]>', 'CDATA section');
        element.text += this.src.slice(start, this.pos - 3);
      } else if (this.startsWith('<?')) this.skipPast('?>', 'processing instruction');
      else if (c === '<') element.children.push(this.element());
      else if (c === '&') element.text += this.reference();
      else if (c === '>' && this.src.startsWith(']]>', this.pos - 2)) this.fail('"]]>" in text');
      else {
        element.text += c;
        this.pos += 1;
      }
    }
  }
}

function codePoint(reader: Reader, code: number, ref: string): string {
  if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) reader.fail(`bad character reference &${ref};`);
  const char = String.fromCodePoint(code);
  checkChars(char);
  return char;
}

/**
 * Parses a whole document and returns its root element; throws `XmlError` on anything not well-formed.
 *
 * @example
 * const feed = parseXml(await res.text());
 * assert.equal(feed.name, 'feed');
 */
export function parseXml(src: string): XmlElement {
  checkChars(src);
  const reader = new Reader(src);
  if (reader.startsWith('<?xml')) reader.skipPast('?>', 'XML declaration');
  reader.skipMisc();
  if (reader.startsWith('<!DOCTYPE')) reader.fail('a DOCTYPE (not expected in a feed)');
  const root = reader.element();
  reader.skipMisc();
  if (reader.pos !== src.length) reader.fail('content after the root element');
  return root;
}

/** The child elements of `element` named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** The one child named `name`; throws when there is none or several. */
export function only(element: XmlElement, name: string): XmlElement {
  const found = childrenNamed(element, name);
  if (found.length !== 1) throw new XmlError(`<${element.name}> has ${found.length} <${name}>, expected exactly one`);
  return found[0] as XmlElement;
}

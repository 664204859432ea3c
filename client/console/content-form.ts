import { LIMITS, type EntryKind } from '../../shared/index.js';
import { field, h, setFieldError } from './dom.js';
import { EMPTY_CONTENT, type ContentFields, type FieldName, type FieldProblem } from './entry-fields.js';

/** Apple keyboards say ⌘ where others say Ctrl. */
export const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform);

const KINDS: readonly { kind: EntryKind; label: string }[] = [
  { kind: 'text', label: 'Text' },
  { kind: 'quote', label: 'Quote' },
  { kind: 'image', label: 'Image' },
  { kind: 'video', label: 'Video' },
];

export interface ContentFormOptions {
  /** Prefix of element ids, unique per form on the page. */
  idPrefix: string;
  /** Prefix of the `data-testid`s: `composer` gives `composer-body`, `composer-title`… */
  testid: string;
  /** Visible rows of the body field. */
  bodyRows: number;
  /** What Ctrl/Cmd+Enter does in this form, for the hint under the body. */
  shortcut: 'publishes' | 'saves';
  onInput(): void;
}

/**
 * The content fields of an entry (kind, subheading, Markdown body, quote attribution, media URL
 * and caption), shown by kind. Used by the composer and the inline editor, so both validate and
 * behave alike. Fields hidden by the kind keep their text, in case the editor switches back.
 *
 * @example
 * const form = new ContentForm({ idPrefix: 'c-compose', testid: 'composer', bodyRows: 8, onInput: save });
 * form.fill(draft);
 * const fields = form.read();
 */
export class ContentForm {
  /** The kind switch, placed by the owner (the composer puts it in its header). */
  readonly kindControl: HTMLElement;
  /** Every other field. */
  readonly element: HTMLElement;
  readonly body: HTMLTextAreaElement;
  private readonly kinds: HTMLInputElement[];
  private readonly title: HTMLInputElement;
  private readonly attribution: HTMLInputElement;
  private readonly mediaUrl: HTMLInputElement;
  private readonly caption: HTMLInputElement;
  private readonly quoteGroup: HTMLElement;
  private readonly mediaGroup: HTMLElement;
  private readonly kindError: HTMLElement;
  private durationSeconds: number | undefined;

  constructor(private readonly options: ContentFormOptions) {
    const { idPrefix: id, testid } = options;
    this.kinds = KINDS.map(({ kind }) =>
      h('input', { type: 'radio', name: `${id}-kind`, value: kind, id: `${id}-kind-${kind}`, 'data-testid': `${testid}-kind-${kind}` }),
    );
    const kindGroup = h('div', { class: 'c-seg', role: 'radiogroup', 'aria-label': 'Kind of entry' },
      KINDS.map(({ label }, i) => h('label', { class: 'c-seg__option' }, [this.kinds[i] ?? null, h('span', { text: label })])),
    );
    this.kindError = h('p', { class: 'c-field__error', hidden: true, role: 'alert' });
    this.title = h('input', { type: 'text', id: `${id}-title`, 'data-testid': `${testid}-title`, maxlength: LIMITS.titleMaxLength, autocomplete: 'off', placeholder: 'Optional' });
    this.body = h('textarea', {
      id: `${id}-body`,
      'data-testid': `${testid}-body`,
      rows: options.bodyRows,
      maxlength: LIMITS.bodyMaxLength,
      spellcheck: 'true',
      class: 'c-body-input',
    });
    this.attribution = h('input', { type: 'text', id: `${id}-attribution`, 'data-testid': `${testid}-attribution`, maxlength: LIMITS.attributionMaxLength, autocomplete: 'off', placeholder: 'Who said it, and their role' });
    this.mediaUrl = h('input', { type: 'url', id: `${id}-media-url`, 'data-testid': `${testid}-media-url`, maxlength: LIMITS.mediaUrlMaxLength, autocomplete: 'off', placeholder: 'https://', inputmode: 'url' });
    this.caption = h('input', { type: 'text', id: `${id}-caption`, 'data-testid': `${testid}-caption`, maxlength: LIMITS.captionMaxLength, autocomplete: 'off', placeholder: 'What it shows; credit' });

    this.quoteGroup = h('div', { class: 'c-form__group' }, [field('Attribution', this.attribution)]);
    this.mediaGroup = h('div', { class: 'c-form__group c-form__row' }, [field('Media address', this.mediaUrl, 'https only'), field('Caption', this.caption)]);
    this.kindControl = h('div', { class: 'c-kind' }, [kindGroup, this.kindError]);
    this.element = h('div', { class: 'c-form' }, [
      this.mediaGroup,
      field('Subheading', this.title),
      field('Text', this.body, `Markdown: **bold**, _italic_, [link](https://…), - list. ${IS_MAC ? '⌘' : 'Ctrl'}+Enter ${options.shortcut}.`),
      this.quoteGroup,
    ]);
    for (const part of [this.kindControl, this.element]) {
      part.addEventListener('input', () => this.changed());
      part.addEventListener('change', () => this.changed());
    }
    this.fill(EMPTY_CONTENT);
  }

  read(): ContentFields {
    const checked = this.kinds.find((k) => k.checked)?.value;
    const kind = KINDS.find((k) => k.kind === checked)?.kind ?? 'text';
    return {
      kind,
      title: this.title.value,
      body: this.body.value,
      attribution: this.attribution.value,
      mediaUrl: this.mediaUrl.value,
      caption: this.caption.value,
      ...(this.durationSeconds !== undefined ? { durationSeconds: this.durationSeconds } : {}),
    };
  }

  fill(fields: ContentFields): void {
    for (const k of this.kinds) k.checked = k.value === fields.kind;
    this.title.value = fields.title;
    this.body.value = fields.body;
    this.attribution.value = fields.attribution;
    this.mediaUrl.value = fields.mediaUrl;
    this.caption.value = fields.caption;
    this.durationSeconds = fields.durationSeconds;
    this.showKind(fields.kind);
  }

  /** Marks the fields the problems point at; problems without a field are the caller's to show. */
  showProblems(problems: readonly FieldProblem[]): void {
    const byField = new Map<FieldName, string>();
    for (const p of problems) if (p.field !== undefined && !byField.has(p.field)) byField.set(p.field, p.message);
    setFieldError(this.title, byField.get('title'));
    setFieldError(this.body, byField.get('body'));
    setFieldError(this.attribution, byField.get('attribution'));
    setFieldError(this.mediaUrl, byField.get('mediaUrl'));
    setFieldError(this.caption, byField.get('caption'));
    const kindMessage = byField.get('kind');
    this.kindError.textContent = kindMessage ?? '';
    this.kindError.hidden = kindMessage === undefined;
    const first = [this.mediaUrl, this.title, this.body, this.attribution, this.caption].find((c) => c.getAttribute('aria-invalid') === 'true');
    first?.focus();
  }

  setDisabled(disabled: boolean): void {
    for (const control of [...this.kinds, this.title, this.body, this.attribution, this.mediaUrl, this.caption]) {
      // read-only rather than disabled for text, so the focus and the selection stay put
      if (control instanceof HTMLInputElement && (control.type === 'radio' || control.type === 'checkbox')) control.disabled = disabled;
      else control.readOnly = disabled;
    }
  }

  focusBody(): void {
    this.body.focus();
  }

  private changed(): void {
    this.showKind(this.read().kind);
    this.options.onInput();
  }

  private showKind(kind: EntryKind): void {
    this.quoteGroup.hidden = kind !== 'quote';
    this.mediaGroup.hidden = kind !== 'image' && kind !== 'video';
    this.body.placeholder =
      kind === 'quote' ? 'The words, exactly as said' : kind === 'text' ? 'What happened? Keep it short; add detail as it comes.' : 'Optional text under the media';
  }
}

// Where a JSON text first goes wrong, as line and column. V8's own message sometimes has no
// position and quotes the text around the error instead, which may hold a secret: never show it.

/** " (line L, column C)" for the first syntax error, or a note for an empty text. */
export function jsonErrorWhere(text: string): string {
  if (text.trim() === '') return ' (the file is empty)';
  const at = jsonErrorOffset(text);
  if (at < 0) return '';
  const before = text.slice(0, at).split('\n');
  return ` (line ${before.length}, column ${before.at(-1)!.length + 1})`;
}

/** Offset of the first syntax error per RFC 8259, or -1 when there is none (or it is too deep). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (ch: string) => {
    ws();
    if (text[i] !== ch) fail();
    i++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      const ch = text[i];
      if (ch === undefined || ch < ' ') fail();
      i++;
      if (ch === '"') return;
      if (ch !== '\\') continue;
      const esc = text[i];
      if (esc !== undefined && '"\\/bfnrt'.includes(esc)) i++;
      else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 5;
      else fail();
    }
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (close === '}') {
          string();
          expect(':');
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail();
        if (close === '}') ws();
      }
    }
    if (ch === '"') return string();
    const m = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    if (!m.exec(text)) fail();
    i = m.lastIndex;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return -1;
  } catch (err) {
    if (err instanceof SyntaxAt) return err.offset;
    return -1; // nested too deep for the stack: no position, still an error
  }
}

class SyntaxAt {
  readonly offset: number;
  constructor(offset: number) {
    this.offset = offset;
  }
}

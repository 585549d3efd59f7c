// Where a hand-edited JSON settings file goes wrong, in words an admin can act on: the line and
// column, what was found there, and the usual fix. JSON.parse says only "Expected double-quoted
// property name in JSON at position 26", which is neither a line nor a fix, and the mistakes
// people make in settings files are few and known: a trailing comma, a comment, single quotes,
// a name without quotes, a string left open, a missing comma, a file cut short.
// This reader runs only after JSON.parse has refused the text, so it need not accept exactly
// what JSON.parse accepts: it only has to find the first place where the text stops being JSON.

export interface JsonMistake {
  /** 1-based, as editors count them. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  /** What is at that place, e.g. `"," before "}"`, `the end of the file`. */
  found: string;
  /** What to do, e.g. `remove the trailing comma`. */
  fix: string;
}

class Mistake extends Error {
  constructor(
    readonly at: number,
    readonly found: string,
    readonly fix: string,
  ) {
    super(found);
  }
}

/** A character as a message shows it: quoted, with invisible ones spelled out. */
function shown(char: string | undefined): string {
  if (char === undefined) return 'the end of the file';
  if (char === '\n' || char === '\r') return 'the end of the line';
  if (char === '\t') return 'a tab';
  if (char === '\uFEFF') return 'a byte-order mark';
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20) return `the control character U+${code.toString(16).padStart(4, '0')}`;
  return JSON.stringify(char);
}

class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  read(): void {
    this.space();
    if (this.at >= this.text.length) {
      throw new Mistake(this.at, 'an empty file', 'write a JSON object such as {} in it');
    }
    this.value();
    this.space();
    if (this.at < this.text.length) {
      throw new Mistake(
        this.at,
        `${shown(this.text[this.at])} after the end of the settings`,
        'remove it, or put everything inside the one outer { }',
      );
    }
  }

  private space(): void {
    for (;;) {
      const char = this.text[this.at];
      if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
        this.at += 1;
        continue;
      }
      if (char === '/' && (this.text[this.at + 1] === '/' || this.text[this.at + 1] === '*')) {
        throw new Mistake(
          this.at,
          `a comment ("${this.text.slice(this.at, this.at + 2)}")`,
          'remove the comment: JSON has none',
        );
      }
      if (char === '#') {
        throw new Mistake(this.at, 'a comment ("#")', 'remove the comment: JSON has none');
      }
      return;
    }
  }

  private value(): void {
    const char = this.text[this.at];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    if (char === "'") {
      throw new Mistake(this.at, 'a single quote', 'use double quotes (") around text');
    }
    if (char === undefined) {
      throw new Mistake(this.at, 'the end of the file', 'the file is cut short: finish the value');
    }
    const word = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      this.text.slice(this.at),
    );
    if (word && !/[\w.]/.test(this.text[this.at + word[0].length] ?? '')) {
      this.at += word[0].length;
      return;
    }
    const bare = /^[^\s,:{}[\]"]+/.exec(this.text.slice(this.at))?.[0] ?? char;
    throw new Mistake(
      this.at,
      JSON.stringify(bare),
      /^(?:True|False|TRUE|FALSE|None|NULL|Null|undefined)$/.test(bare)
        ? 'write true, false or null in lower case'
        : 'put text in double quotes; numbers, true, false and null go without',
    );
  }

  private string(): void {
    const start = this.at;
    this.at += 1;
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined || char === '\n' || char === '\r') {
        throw new Mistake(
          start,
          `a string that is never closed (${shown(char)} comes first)`,
          'add the missing double quote (") at its end',
        );
      }
      if (char === '"') {
        this.at += 1;
        return;
      }
      if (char === '\\') {
        const next = this.text[this.at + 1];
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) {
          this.at += 6;
          continue;
        }
        if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          this.at += 2;
          continue;
        }
        throw new Mistake(
          this.at,
          `the escape ${JSON.stringify(`\\${next ?? ''}`)}`,
          'write a backslash as \\\\ (a Windows path as C:\\\\folder or C:/folder)',
        );
      }
      if (char < ' ') {
        throw new Mistake(
          this.at,
          shown(char),
          'write it as an escape such as \\t inside the text',
        );
      }
      this.at += 1;
    }
  }

  /** Members or items, after the opening bracket; `member` reads one. */
  private list(close: '}' | ']', member: () => void): void {
    this.at += 1;
    this.space();
    if (this.text[this.at] === close) {
      this.at += 1;
      return;
    }
    for (;;) {
      member();
      this.space();
      const char = this.text[this.at];
      if (char === close) {
        this.at += 1;
        return;
      }
      if (char === ',') {
        const comma = this.at;
        this.at += 1;
        this.space();
        const next = this.text[this.at];
        if (next === '}' || next === ']') {
          throw new Mistake(comma, `"," before "${next}"`, 'remove the trailing comma');
        }
        continue;
      }
      if (char === undefined) {
        throw new Mistake(
          this.at,
          'the end of the file',
          `the file is cut short: close it with "${close}"`,
        );
      }
      // `"mode": "capture" "maxMessages": 10` shows the next name, not a lone quote
      const next = char === '"' ? /^"[^"\n\r]{0,40}"?/.exec(this.text.slice(this.at))?.[0] : null;
      throw new Mistake(
        this.at,
        next ? `${next} with no comma before it` : shown(char),
        close === '}'
          ? 'add a comma between two settings, or a "}" to close the object'
          : 'add a comma between two items, or a "]" to close the list',
      );
    }
  }

  private object(): void {
    this.list('}', () => {
      const char = this.text[this.at];
      if (char === '"') this.string();
      else if (char === "'") {
        throw new Mistake(this.at, 'a single quote', 'use double quotes (") around the name');
      } else if (char !== undefined && /[A-Za-z_$]/.test(char)) {
        const name = /^[\w$-]+/.exec(this.text.slice(this.at))?.[0] ?? char;
        throw new Mistake(
          this.at,
          `the name ${name} without quotes`,
          `put it in double quotes: "${name}"`,
        );
      } else if (char === undefined) {
        throw new Mistake(
          this.at,
          'the end of the file',
          'the file is cut short: close it with "}"',
        );
      } else {
        throw new Mistake(this.at, shown(char), "give a setting's name in double quotes here");
      }
      this.space();
      if (this.text[this.at] !== ':') {
        throw new Mistake(this.at, shown(this.text[this.at]), 'add a ":" after the name');
      }
      this.at += 1;
      this.space();
      this.value();
    });
  }

  private array(): void {
    this.list(']', () => this.value());
  }
}

/** Line and column of a character offset, 1-based; CRLF and CR count as one line end. */
function lineAndColumn(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i += 1) {
    const char = text[i];
    if (char === '\n' || (char === '\r' && text[i + 1] !== '\n')) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}

/** The first mistake in text that JSON.parse refused; null if this reader finds none. */
export function findJsonMistake(text: string): JsonMistake | null {
  try {
    new Reader(text).read();
    return null;
  } catch (err) {
    if (!(err instanceof Mistake)) throw err;
    return { ...lineAndColumn(text, err.at), found: err.found, fix: err.fix };
  }
}

/**
 * The settings in `text`, or a sentence saying where and why it is not JSON:
 * `not valid JSON at line 3, column 22: found "," before "}"; remove the trailing comma`.
 * A byte-order mark (Notepad writes one) is skipped, as it holds no setting.
 */
export function parseJsonText(
  text: string,
): { ok: true; value: unknown } | { ok: false; problem: string } {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    const mistake = findJsonMistake(body);
    if (!mistake) return { ok: false, problem: `not valid JSON (${(err as Error).message})` };
    // the BOM is not shown in an editor's column count either, so positions are of `body`
    return {
      ok: false,
      problem: `not valid JSON at line ${mistake.line}, column ${mistake.column}: found ${mistake.found}; ${mistake.fix}`,
    };
  }
}

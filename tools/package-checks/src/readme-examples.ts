import { readFileSync } from 'node:fs';

export interface ReadmeExample {
  /** File name to run it as, e.g. `backend-cpu-1.mjs`. */
  readonly file: string;
  readonly code: string;
}

/**
 * The runnable examples of a Markdown file: every ```js fenced block (```ts and ```sh blocks are left
 * alone). A block whose first line is `// file: NAME` is saved as NAME; any other is named PREFIX-N and
 * runs as CommonJS (.cjs) when it `require`s and never `import`s, else as ESM (.mjs).
 */
export function readmeExamples(markdownPath: string, prefix: string): ReadmeExample[] {
  const text = readFileSync(markdownPath, 'utf8');
  const blocks = [...text.matchAll(/^```js[^\S\n]*\n([\s\S]*?)^```/gm)].map((match) => match[1]!);
  return blocks.map((code, i) => {
    const named = /^\/\/ file: (\S+)\n/.exec(code);
    if (named) return { file: named[1]!, code };
    const commonJs = /\brequire\(/.test(code) && !/^\s*import\s/m.test(code);
    return { file: `${prefix}-${i + 1}.${commonJs ? 'cjs' : 'mjs'}`, code };
  });
}

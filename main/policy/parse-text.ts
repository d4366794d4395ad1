// Policy text → plain document. YAML 1.2 is a superset of JSON, so one parser reads both and
// gives line numbers for both. Duplicate keys, unknown tags and multiple documents are errors.
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { IssueList, PolicyError } from './errors.ts';
import type { FieldPath, Locate } from './errors.ts';
import type { PolicyDocument } from './types.ts';

const MAX_POLICY_BYTES = 1024 * 1024;

interface ParsedText {
  doc: Document.Parsed;
  lines: LineCounter;
}

function parseYaml(text: string): ParsedText {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return { doc, lines };
}

/** Parses a policy file's text (YAML or JSON). Throws PolicyError naming the file and line. */
export function parsePolicyText(text: string, file: string): PolicyDocument {
  const issues = new IssueList(file);
  if (text.length > MAX_POLICY_BYTES) {
    issues.add([], `is larger than ${MAX_POLICY_BYTES} bytes`);
    issues.throwIfAny();
  }
  const { doc, lines } = parseYaml(text);
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = lines.linePos(e.pos[0]);
    issues.items.push({ file, line: pos.line, column: pos.col, path: '', message: firstLine(e.message) });
  }
  issues.throwIfAny();
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    issues.add([], `cannot be read: ${firstLine((e as Error).message)}`);
    issues.throwIfAny();
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new PolicyError([
      { file, line: 1, path: '', message: 'must be a map with on_http_request and/or on_http_response' },
    ]);
  }
  return value as PolicyDocument;
}

/** Maps a field path to its line in the text; undefined when the text does not parse. */
export function sourceLocator(text: string): Locate | undefined {
  const { doc, lines } = parseYaml(text);
  if (doc.errors.length) return undefined;
  return (path: FieldPath) => {
    const offset = offsetOf(doc.contents, path);
    if (offset === undefined) return undefined;
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
}

// Walks as deep as the path exists; a missing field reports where its parent is.
function offsetOf(root: unknown, path: FieldPath): number | undefined {
  let node = root;
  let offset = rangeStart(node);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else break;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

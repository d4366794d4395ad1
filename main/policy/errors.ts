// Policy problems, collected rather than thrown one at a time, so a user fixes a file in one pass.
// Messages name the file, the line (when the source text is known) and the field path; they
// never echo a field's value, since some values are secrets.

export type PathSegment = string | number;
export type FieldPath = readonly PathSegment[];

export interface PolicyIssue {
  /** e.g. `on_http_request[0].actions[0].config.issuer_url`; empty for the document itself. */
  path: string;
  /** e.g. `must be an https URL`. */
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export class PolicyError extends Error {
  readonly issues: readonly PolicyIssue[];
  constructor(issues: readonly PolicyIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'PolicyError';
    this.issues = issues;
  }
}

export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

/** `policy.yaml line 6: on_http_request[0]…issuer_url must be an https URL` */
export function formatIssue(issue: PolicyIssue): string {
  const where = [issue.file, issue.line !== undefined ? `line ${issue.line}` : undefined].filter(Boolean).join(' ');
  const what = issue.path ? `${issue.path} ${issue.message}` : issue.message;
  return where ? `${where}: ${what}` : what;
}

/** Where a field path sits in the source text (1-based line and column). */
export type Locate = (path: FieldPath) => { line: number; column: number } | undefined;

/** Collects issues for one validation run. */
export class IssueList {
  readonly items: PolicyIssue[] = [];
  private readonly file: string | undefined;
  private readonly locate: Locate | undefined;

  constructor(file?: string, locate?: Locate) {
    this.file = file;
    this.locate = locate;
  }

  add(path: FieldPath, message: string, lineOffset = 0): void {
    const pos = this.locate?.(path);
    const issue: PolicyIssue = { path: formatPath(path), message };
    if (this.file) issue.file = this.file;
    if (pos) {
      issue.line = pos.line + lineOffset;
      issue.column = pos.column;
    }
    this.items.push(issue);
  }

  throwIfAny(): void {
    if (this.items.length) throw new PolicyError(this.items);
  }
}

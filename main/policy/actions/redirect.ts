// `redirect`: answer 3xx with a Location built from `to`. With `from` (a regular expression
// matched against the whole URL), only the matched part is replaced and `$1` / `$<name>` in
// `to` refer to its groups; without a match, or when the target equals the URL, no redirect.
import type { Phase } from '../cel.ts';
import type { FieldReader } from '../fields.ts';
import type { RedirectConfig } from '../model.ts';
import type { HeaderMap } from '../types.ts';
import { headerSafe, readHeaderTemplates, readTemplate } from './common.ts';
import type { RequestStep } from './step.ts';

const REDIRECT_CODES = [301, 302, 303, 307, 308];

export function validateRedirect(r: FieldReader, phase: Phase): RedirectConfig | undefined {
  const fromText = r.string('from');
  let from: RegExp | undefined;
  if (fromText !== undefined) {
    try {
      from = new RegExp(fromText);
    } catch (e) {
      r.fail('from', `is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
    }
  }
  const to = readTemplate(r, 'to', phase, { required: true });
  const statusCode = r.int('status_code', 300, 399) ?? 302;
  if (!REDIRECT_CODES.includes(statusCode)) r.fail('status_code', `must be one of ${REDIRECT_CODES.join(', ')}`);
  const headers = readHeaderTemplates(r, 'headers', phase) ?? [];
  r.finish('redirect');
  if (!to || (fromText !== undefined && !from)) return undefined;
  return { ...(from ? { from } : {}), to, statusCode, headers };
}

// Interpolated values must not be read as `$1`-style references in the replacement.
const escapeDollars = (value: string) => value.replaceAll('$', '$$$$');

export function redirectStep(config: RedirectConfig): RequestStep {
  const dynamic = !config.to.isStatic || config.headers.some(([, t]) => !t.isStatic);
  return {
    type: 'redirect',
    run(ctx, vars) {
      const v = dynamic ? vars.get() : {};
      const href = ctx.url.href;
      let location: string;
      if (config.from) {
        // Interpolate only on a match: a rule for other URLs must not fail on their variables.
        if (!config.from.test(href)) return;
        location = href.replace(config.from, config.to.render(v, escapeDollars));
      } else {
        location = config.to.render(v);
      }
      if (location === href) return;
      const headers: HeaderMap = { location: headerSafe(location) };
      for (const [name, value] of config.headers) headers[name] = headerSafe(value.render(v));
      ctx.reply({ status: config.statusCode, headers });
    },
  };
}

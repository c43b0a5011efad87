import { spawnSync } from 'node:child_process';

/** One formatting case for the Python oracle. */
export interface OracleCase {
  fmt: string | null;
  datefmt?: string | null;
  style?: '%' | '{' | '$';
  attrs: Record<string, unknown>;
}

const SCRIPT = `
import json, logging, sys
cases = json.load(sys.stdin)
out = []
for c in cases:
    attrs = dict(c['attrs'])
    if 'args' in attrs:
        a = attrs['args']
        attrs['args'] = tuple(a) if isinstance(a, list) else a
    ct = attrs.get('created')
    if ct is not None:
        attrs.setdefault('msecs', int((ct - int(ct)) * 1000) + 0.0)
    r = logging.makeLogRecord(attrs)
    try:
        f = logging.Formatter(c['fmt'], c.get('datefmt'), c.get('style') or '%')
        out.append({'ok': f.format(r)})
    except Exception as e:
        out.append({'error': type(e).__name__ + ': ' + str(e)})
print(json.dumps(out))
`;

/** Formats every case with python3's logging and returns the lines (or the error Python raised). */
export function pythonFormat(cases: OracleCase[]): Array<{ ok?: string; error?: string }> {
  const res = spawnSync('python3', ['-c', SCRIPT], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    env: process.env,
  });
  if (res.status !== 0) throw new Error(`python3 failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Array<{ ok?: string; error?: string }>;
}

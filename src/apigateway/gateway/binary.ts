// binaryMediaTypes matching: `image/png`, `image/*`, `*/*`, checked against a Content-Type or
// each entry of an Accept header. AWS stores `/` escaped as `~1` in the API's list.

export function isBinaryType(types: readonly string[], header: string | undefined): boolean {
  if (!header || types.length === 0) return false;
  for (const part of header.split(',')) {
    const t = part.split(';', 1)[0]!.trim().toLowerCase();
    if (t.length === 0) continue;
    const [major, minor] = t.split('/');
    for (const raw of types) {
      const b = raw.replace(/~1/g, '/').toLowerCase();
      if (b === '*/*' || b === t) return true;
      const [bm, bn] = b.split('/');
      if (bn === '*' && bm === major) return true;
      if (bm === '*' && bn === minor) return true;
    }
  }
  return false;
}

// XML property lists, the subset launchd reads: dict, array, string, integer,
// true and false. Text is XML-escaped; characters XML 1.0 cannot carry at all
// (NUL and most control characters) are rejected, never dropped.
import { ServicehostError } from '../../errors';

/** A value launchd's plists hold: string, integer, boolean, array or dict. */
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

const HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
  '<plist version="1.0">\n';

export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u.test(text)) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `A launchd plist cannot carry ${JSON.stringify(text)}: it holds a character XML 1.0 does not allow`);
  }
  // \r is escaped, or an XML parser would turn it into \n.
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\r', '&#13;');
}

function render(value: PlistValue, indent: string): string {
  if (typeof value === 'string') return `${indent}<string>${escapeXml(value)}</string>\n`;
  if (typeof value === 'boolean') return `${indent}<${value}/>\n`;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `A plist integer must be whole; got ${value}`);
    return `${indent}<integer>${value}</integer>\n`;
  }
  if (Array.isArray(value)) return `${indent}<array>\n${value.map((item) => render(item, `${indent}\t`)).join('')}${indent}</array>\n`;
  const entries = Object.entries(value).map(([key, item]) => `${indent}\t<key>${escapeXml(key)}</key>\n${render(item, `${indent}\t`)}`);
  return `${indent}<dict>\n${entries.join('')}${indent}</dict>\n`;
}

/** An XML property list of `root`, as launchd reads it. Throws ERR_INVALID_ARG_VALUE for text XML 1.0 cannot carry or a number that is not whole. */
export function renderPlist(root: { [key: string]: PlistValue }): string {
  return `${HEADER}${render(root, '')}</plist>\n`;
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/gu, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity]!;
  });
}

/** Reads a plist this module wrote (or any plist of the same subset) back into values. */
export function parsePlist(xml: string): PlistValue {
  const tokens = xml.replace(/<\?xml[^>]*\?>|<!DOCTYPE[^>]*>/gu, '').match(/<[^>]+>|[^<]+/gu) ?? [];
  let index = 0;
  const next = (): string => tokens[index++] ?? '';
  const skipBlank = (): void => {
    while (index < tokens.length && !tokens[index]!.startsWith('<') && tokens[index]!.trim() === '') index += 1;
  };
  const fail = (why: string): never => {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `Not a property list this reader understands: ${why}`);
  };
  const text = (close: string): string => {
    let value = '';
    if (!tokens[index]!.startsWith('<')) value = next();
    if (next() !== close) fail(`expected ${close}`);
    return unescapeXml(value);
  };
  const value = (): PlistValue => {
    skipBlank();
    const tag = next();
    switch (tag) {
      case '<string>': return text('</string>');
      case '<string/>': return '';
      case '<integer>': return Number(text('</integer>'));
      case '<true/>': return true;
      case '<false/>': return false;
      case '<array>': {
        const items: PlistValue[] = [];
        for (skipBlank(); tokens[index] !== '</array>'; skipBlank()) items.push(value());
        index += 1;
        return items;
      }
      case '<dict>': {
        const dict: { [key: string]: PlistValue } = {};
        for (skipBlank(); tokens[index] !== '</dict>'; skipBlank()) {
          if (next() !== '<key>') fail('expected <key>');
          const key = text('</key>');
          dict[key] = value();
        }
        index += 1;
        return dict;
      }
      default:
        return fail(`unexpected ${tag || 'end of input'}`);
    }
  };
  skipBlank();
  if (next() !== '<plist version="1.0">') fail('expected <plist version="1.0">');
  const root = value();
  skipBlank();
  if (next() !== '</plist>') fail('expected </plist>');
  return root;
}

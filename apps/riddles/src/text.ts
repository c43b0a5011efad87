const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decode(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

/**
 * Renders one of the site's pages as plain text for a terminal: headings underlined, list items
 * bulleted, radio buttons as `( )`, scripts and styles dropped.
 */
export function htmlToText(html: string): string {
  let text = html
    .replace(/<(head|style|script)[\s\S]*?<\/\1>/gi, '')
    .replace(/\s+/g, ' ')
    .replace(/<\/t[dh]>\s*(?=<t[dh])/gi, ' | ')
    .replace(/<input[^>]*type="radio"[^>]*>/gi, '( ) ')
    .replace(/<input[^>]*type="checkbox"[^>]*checked[^>]*>/gi, '[x] ')
    .replace(/<input[^>]*type="checkbox"[^>]*>/gi, '[ ] ')
    .replace(/<button[^>]*>([\s\S]*?)<\/button>/gi, '[$1]')
    .replace(/<h1[^>]*>([\s\S]*?)<\/h1>/gi, (_, inner: string) => {
      const title = decode(inner.replace(/<[^>]+>/g, '').trim());
      return `\n\n${title}\n${'='.repeat([...title].length)}\n`;
    })
    .replace(/<li[^>]*>/gi, '\n* ')
    .replace(
      /<(br|\/p|\/ul|\/header|\/footer|\/fieldset|\/legend|\/label|\/h2|h2|\/table|\/form|\/tr|p|ul|header|footer|form|tr)[^>]*>/gi,
      '\n',
    )
    .replace(/<[^>]+>/g, '');
  text = decode(text)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter((line, i, all) => !(line.trim() === '' && (all[i - 1] ?? '').trim() === ''))
    .join('\n');
  return text.trim();
}

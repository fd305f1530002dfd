/**
 * Text made safe for an HTML text node or a quoted attribute value: the one escaper of the HTML
 * export, the health report page and the redirect page `serve` opens the browser with. Pure code.
 */
const htmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => htmlEntities[ch]!)
}

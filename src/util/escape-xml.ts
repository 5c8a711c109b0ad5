/**
 * Escapes text for XML, HTML and SVG: `&`, `<`, `>` and `"`, so it is safe in element text and in
 * double-quoted attribute values.
 *
 * @param s any text (a label, a file name, a title)
 * @returns the text with those four characters as entities
 */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

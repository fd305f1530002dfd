/**
 * A name to save a kept file under, from the name a message gives it (TIMFileElem `FileName`):
 * message content, which anyone in a group can craft. Only its last path part is kept; control
 * characters, the characters Windows refuses (`<>:"/\|?*`) and leading dots (hidden files, `..`)
 * go; trailing dots and spaces go (Windows drops them); at most 200 characters. Pure module.
 */
export function safeFileName(name: string, fallback = 'file'): string {
  const last = name.split(/[/\\]/).pop() ?? ''
  const cleaned = last
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
  const cut = [...cleaned].slice(0, 200).join('')
  return cut || fallback
}

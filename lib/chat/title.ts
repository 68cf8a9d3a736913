const MAX_TITLE = 60;

/** A short session title from its first message: the first line, cut at a word. */
export function titleFrom(message: string): string {
  const line = message.trim().split('\n')[0]?.replace(/\s+/g, ' ').trim() ?? '';
  if (!line) return 'New chat';
  if (line.length <= MAX_TITLE) return line;
  const cut = line.slice(0, MAX_TITLE - 1);
  const atWord = cut.lastIndexOf(' ') > MAX_TITLE / 2 ? cut.slice(0, cut.lastIndexOf(' ')) : cut;
  return `${atWord}…`;
}

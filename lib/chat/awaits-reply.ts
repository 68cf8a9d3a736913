import type { UIMessage } from 'ai';

/**
 * A conversation ending with this message is answered next: a user message, or a reply that
 * ended with a client tool's result.
 */
export function awaitsReply(last: UIMessage | undefined): boolean {
  if (last?.role === 'user') return true;
  const part = last?.parts.at(-1) as { type: string; state?: string } | undefined;
  return part !== undefined && part.type.startsWith('tool-') && (part.state === 'output-available' || part.state === 'output-error');
}

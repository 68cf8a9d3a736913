import type { ChatMessage } from '@/lib/protocols/ui-stream';
import { CopyButton } from '../ui/copy-button';
import { ModelBadge } from '../ui/model-badge';
import { Markdown } from './markdown';
import { ToolCard } from './tool-card';

/**
 * One message: the user's text, or a reply with its text, tool cards, model and usage; and its
 * actions: copy, and on the last reply, regenerate (`onRegenerate`, given when it may be asked).
 */
export function MessageView({ message, stopped, onRegenerate }: { message: ChatMessage; stopped: boolean; onRegenerate?: () => void }) {
  const mine = message.role === 'user';
  const meta = message.metadata;
  const status = stopped ? 'stopped' : meta?.status;
  const text = () => message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n\n');
  return (
    <div className={mine ? 'flex flex-col items-end' : ''}>
      <article
        data-testid={mine ? 'user-message' : 'assistant-message'}
        data-status={status}
        aria-label={mine ? 'You' : 'Reply'}
        // A long unbroken word wraps inside the bubble; a short message gets a short bubble.
        className={mine ? 'ml-auto w-fit max-w-[85%] rounded-2xl bg-indigo-600 px-4 py-2 text-white [overflow-wrap:anywhere]' : 'max-w-full [overflow-wrap:anywhere]'}
      >
        {message.parts.map((part, i) => {
          if (part.type === 'text') return mine ? <p key={i} className="whitespace-pre-wrap">{part.text}</p> : <Markdown key={i} text={part.text} />;
          if (part.type.startsWith('tool-') && 'state' in part) {
            const tool = part as { state: string; input: unknown; output?: unknown; errorText?: string };
            return <ToolCard key={i} name={part.type.slice(5)} state={tool.state} input={tool.input} output={tool.output} errorText={tool.errorText} />;
          }
          return null;
        })}
        {!mine && (meta?.model || status) && (
          <footer data-testid="reply-meta" className="mt-1 flex flex-wrap items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
            {meta?.model && <ModelBadge model={meta.model} />}
            {meta?.usage?.totalTokens !== undefined && (
              <span data-testid="reply-usage">
                {meta.usage.inputTokens} in · {meta.usage.outputTokens} out · {meta.usage.totalTokens} tokens
              </span>
            )}
            {status === 'stopped' && <span data-testid="reply-stopped" className="font-semibold">Stopped</span>}
            {status === 'failed' && <span className="font-semibold text-red-700 dark:text-red-300">Failed: {meta?.error}</span>}
          </footer>
        )}
      </article>
      <div className={`mt-1 flex gap-1 ${mine ? 'justify-end' : ''}`} data-testid="message-actions" aria-label={mine ? 'Actions for your message' : 'Actions for this reply'} role="group">
        <CopyButton label={mine ? 'Copy message' : 'Copy reply'} text={text} />
        {onRegenerate && (
          <button type="button" onClick={onRegenerate} aria-label="Regenerate the last reply" className="min-h-8 rounded-md px-2 text-xs text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100">
            Regenerate
          </button>
        )}
      </div>
    </div>
  );
}

import type { ChatMessage } from '@/lib/protocols/ui-stream';
import { ModelBadge } from '../ui/model-badge';
import { Markdown } from './markdown';
import { ToolCard } from './tool-card';

/** One message: the user's text, or a reply with its text, tool cards, model and usage. */
export function MessageView({ message, stopped }: { message: ChatMessage; stopped: boolean }) {
  const mine = message.role === 'user';
  const meta = message.metadata;
  const status = stopped ? 'stopped' : meta?.status;
  return (
    <article
      data-testid={mine ? 'user-message' : 'assistant-message'}
      data-status={status}
      aria-label={mine ? 'You' : 'Reply'}
      className={mine ? 'ml-auto max-w-[85%] rounded-2xl bg-indigo-600 px-4 py-2 text-white' : 'max-w-full'}
    >
      {message.parts.map((part, i) => {
        if (part.type === 'text') return mine ? <p key={i} className="whitespace-pre-wrap">{part.text}</p> : <Markdown key={i} text={part.text} />;
        if (part.type.startsWith('tool-') && 'state' in part) {
          const tool = part as { state: string; input: unknown; output?: unknown; errorText?: string };
          return <ToolCard key={i} name={part.type.slice(5)} state={tool.state} input={tool.input} output={tool.output} errorText={tool.errorText} />;
        }
        return null;
      })}
      {!mine && meta?.model && (
        <footer data-testid="reply-meta" className="mt-1 flex flex-wrap items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
          <ModelBadge model={meta.model} />
          {meta.usage?.totalTokens !== undefined && (
            <span data-testid="reply-usage">
              {meta.usage.inputTokens} in · {meta.usage.outputTokens} out · {meta.usage.totalTokens} tokens
            </span>
          )}
          {status === 'stopped' && <span className="font-semibold">Stopped</span>}
          {status === 'failed' && <span className="font-semibold text-red-700 dark:text-red-300">Failed: {meta.error}</span>}
        </footer>
      )}
    </article>
  );
}

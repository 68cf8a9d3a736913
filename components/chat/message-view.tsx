import { useState } from 'react';
import type { ChatMessage } from '@/lib/protocols/ui-stream/messages';
import { CopyButton } from '../ui/copy-button';
import { ModelBadge } from '../ui/model-badge';
import { Markdown } from './markdown';
import { ToolCard } from './tool-card';

const ACTION =
  'min-h-8 rounded-md px-2 text-xs text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100';

export interface MessageViewProps {
  message: ChatMessage;
  stopped: boolean;
  /** Given on the last reply when it may be asked again. */
  onRegenerate?: () => void;
  /** Given on the user's messages while nothing streams: sends the edited text in its place. */
  onEdit?: (text: string) => void;
}

/**
 * One message: the user's text, or a reply with its text, tool cards, model and usage; and its
 * actions: copy; on the user's messages, edit and resend; on the last reply, regenerate.
 */
export function MessageView({ message, stopped, onRegenerate, onEdit }: MessageViewProps) {
  const mine = message.role === 'user';
  const meta = message.metadata;
  const status = stopped ? 'stopped' : meta?.status;
  const text = () => message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n\n');
  const [editing, setEditing] = useState(false);
  if (editing && onEdit)
    return (
      <EditMessage
        original={text()}
        onCancel={() => setEditing(false)}
        onSend={(edited) => {
          setEditing(false);
          onEdit(edited);
        }}
      />
    );
  return (
    <div className={mine ? 'flex flex-col items-end' : ''}>
      <article
        data-testid={mine ? 'user-message' : 'assistant-message'}
        data-status={status}
        aria-label={mine ? 'You' : 'Reply'}
        // A long unbroken word wraps inside the bubble; a short message gets a short bubble.
        className={
          mine
            ? 'ml-auto w-fit max-w-[85%] rounded-2xl bg-indigo-600 px-4 py-2 text-white [overflow-wrap:anywhere]'
            : 'max-w-full [overflow-wrap:anywhere]'
        }
      >
        {message.parts.map((part, i) => {
          if (part.type === 'text')
            return mine ? (
              <p key={i} className="whitespace-pre-wrap">
                {part.text}
              </p>
            ) : (
              <Markdown key={i} text={part.text} />
            );
          if (part.type.startsWith('tool-') && 'state' in part) {
            const tool = part as { state: string; input: unknown; output?: unknown; errorText?: string };
            return (
              <ToolCard
                key={i}
                name={part.type.slice(5)}
                state={tool.state}
                input={tool.input}
                output={tool.output}
                errorText={tool.errorText}
              />
            );
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
            {status === 'stopped' && (
              <span data-testid="reply-stopped" className="font-semibold">
                Stopped
              </span>
            )}
            {status === 'failed' && <span className="font-semibold text-red-700 dark:text-red-300">Failed: {meta?.error}</span>}
          </footer>
        )}
      </article>
      <div
        className={`mt-1 flex gap-1 ${mine ? 'justify-end' : ''}`}
        data-testid="message-actions"
        aria-label={mine ? 'Actions for your message' : 'Actions for this reply'}
        role="group"
      >
        <CopyButton label={mine ? 'Copy message' : 'Copy reply'} text={text} />
        {onEdit && (
          <button type="button" onClick={() => setEditing(true)} aria-label="Edit and resend" className={ACTION}>
            Edit
          </button>
        )}
        {onRegenerate && (
          <button type="button" onClick={onRegenerate} aria-label="Regenerate the last reply" className={ACTION}>
            Regenerate
          </button>
        )}
      </div>
    </div>
  );
}

/** A user message being edited: Enter (or Send) sends it in place of the original, and the
 * turns after it are replaced; Escape (or Cancel) keeps the original. */
function EditMessage({ original, onSend, onCancel }: { original: string; onSend: (text: string) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState(original);
  const send = () => draft.trim() && onSend(draft.trim());
  return (
    <form
      data-testid="edit-message"
      aria-label="Edit your message"
      className="ml-auto flex w-full max-w-[85%] flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label htmlFor="edit-message" className="sr-only">
        Edited message
      </label>
      <textarea
        id="edit-message"
        value={draft}
        autoFocus
        rows={3}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault(); // closes the editor only
            onCancel();
          } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            send();
          }
        }}
        className="w-full resize-y rounded-xl border border-indigo-400 bg-transparent px-3 py-2 outline-none focus:ring-2 focus:ring-indigo-500/30"
      />
      <p className="text-xs text-zinc-600 dark:text-zinc-400">Sending replaces this message and everything after it.</p>
      <div className="flex justify-end gap-2">
        <button
          type="button"
          onClick={onCancel}
          className="min-h-11 rounded-md border border-zinc-300 px-4 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
        >
          Cancel
        </button>
        <button
          type="submit"
          disabled={!draft.trim()}
          className="min-h-11 rounded-md bg-indigo-600 px-4 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
        >
          Send
        </button>
      </div>
    </form>
  );
}

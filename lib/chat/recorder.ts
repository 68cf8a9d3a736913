import type { UIMessage } from 'ai';
import type { RunPart } from '../ai/run';
import { toolErrorText } from '../ai/tools';

// Builds the reply's AI SDK UI message parts from the run's stream parts, as the browser's
// `useChat` builds them from the UI message stream, so a stored reply renders the same way
// after a reload as it did live.

export type ReplyPart = UIMessage['parts'][number];

type ToolPart = {
  type: `tool-${string}`;
  toolCallId: string;
  state: 'input-streaming' | 'input-available' | 'output-available' | 'output-error';
  input: unknown;
  output?: unknown;
  errorText?: string;
};

export class ReplyRecorder {
  readonly parts: ReplyPart[] = [];
  private open = new Map<string, { type: 'text' | 'reasoning'; text: string; state: 'streaming' | 'done' }>();
  private tools = new Map<string, ToolPart>();

  add(part: RunPart): void {
    switch (part.type) {
      case 'start-step':
        this.parts.push({ type: 'step-start' });
        return;
      case 'text-start':
      case 'reasoning-start': {
        const block = {
          type: part.type === 'text-start' ? ('text' as const) : ('reasoning' as const),
          text: '',
          state: 'streaming' as const,
        };
        this.open.set(`${block.type}:${part.id}`, block);
        this.parts.push(block);
        return;
      }
      case 'text-delta':
      case 'reasoning-delta': {
        const block = this.open.get(`${part.type === 'text-delta' ? 'text' : 'reasoning'}:${part.id}`);
        if (block) block.text += part.text;
        return;
      }
      case 'text-end':
      case 'reasoning-end': {
        const key = `${part.type === 'text-end' ? 'text' : 'reasoning'}:${part.id}`;
        const block = this.open.get(key);
        if (block) block.state = 'done';
        this.open.delete(key);
        return;
      }
      case 'tool-input-start':
        this.tool(part.id, part.toolName);
        return;
      case 'tool-call':
        Object.assign(this.tool(part.toolCallId, part.toolName), { state: 'input-available', input: part.input });
        return;
      case 'tool-result':
        Object.assign(this.tool(part.toolCallId, part.toolName), { state: 'output-available', output: part.output });
        return;
      case 'tool-error':
        Object.assign(this.tool(part.toolCallId, part.toolName), {
          state: 'output-error',
          input: part.input,
          errorText: toolErrorText(part.error),
        });
        return;
    }
  }

  /** The parts as they stand; text cut off mid-stream is closed so it renders as final. */
  finish(): ReplyPart[] {
    for (const block of this.open.values()) block.state = 'done';
    this.open.clear();
    return this.parts;
  }

  private tool(toolCallId: string, toolName: string): ToolPart {
    let part = this.tools.get(toolCallId);
    if (!part) {
      part = { type: `tool-${toolName}`, toolCallId, state: 'input-streaming', input: undefined };
      this.tools.set(toolCallId, part);
      this.parts.push(part as ReplyPart);
    }
    return part;
  }
}

'use client';

import { useRef, type ComponentProps } from 'react';
import ReactMarkdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CopyButton } from '../ui/copy-button';

/**
 * Model text as markdown. react-markdown builds React elements and ignores raw HTML, and its URL
 * filter drops `javascript:` links, so nothing the model writes can run in the page.
 */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="prose-chat space-y-2 break-words [&_a]:text-indigo-600 [&_a]:underline [&_code]:rounded [&_code]:bg-zinc-100 [&_code]:px-1 dark:[&_code]:bg-zinc-800 [&_ol]:list-decimal [&_ol]:pl-5 [&_pre]:overflow-x-auto [&_pre]:rounded-md [&_pre]:bg-zinc-100 [&_pre]:p-3 dark:[&_pre]:bg-zinc-900 [&_ul]:list-disc [&_ul]:pl-5">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={{ pre: CodeBlock }}>
        {text}
      </ReactMarkdown>
    </div>
  );
}

/** A code block with a button that copies its code. */
function CodeBlock(props: ComponentProps<'pre'> & { node?: unknown }) {
  const pre = useRef<HTMLPreElement>(null);
  // react-markdown passes its syntax-tree node too; it is not an attribute of <pre>.
  const attributes = { ...props, node: undefined };
  return (
    <div className="relative">
      <pre ref={pre} {...attributes} />
      <CopyButton
        label="Copy code"
        text={() => pre.current?.innerText ?? ''}
        className="absolute top-1 right-1 bg-white/80 dark:bg-zinc-900/80"
      />
    </div>
  );
}

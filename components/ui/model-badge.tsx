/** Which model answers; the offline model is marked so nobody takes it for a real one. */
export function ModelBadge({ model }: { model: string }) {
  const offline = model === 'offline';
  return (
    <span
      data-testid="model-badge"
      title={offline ? 'Replies come from the built-in offline model, not a real language model' : `Replies come from ${model}`}
      className={`rounded-full px-2 py-0.5 font-mono text-xs ${
        offline
          ? 'bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-200'
          : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300'
      }`}
    >
      {offline ? 'offline model' : model}
    </span>
  );
}

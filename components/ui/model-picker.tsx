'use client';

import { ModelBadge } from './model-badge';

interface ModelPickerProps {
  /** The offered model ids, the default first. */
  models: string[];
  value: string;
  onChange: (model: string) => void;
  disabled?: boolean;
}

/**
 * Which model answers the next request: a compact, labelled select. With one model offered there
 * is nothing to choose, so it only names that model.
 */
export function ModelPicker({ models, value, onChange, disabled }: ModelPickerProps) {
  if (models.length < 2) {
    return (
      <span className="flex items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="model-picker">
        Model <ModelBadge model={value} />
      </span>
    );
  }
  return (
    <label className="flex items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400">
      Model
      <select
        data-testid="model-picker"
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value)}
        className="min-h-8 rounded-md border border-zinc-300 bg-transparent px-1 py-0.5 font-mono text-xs text-zinc-800 outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-200"
      >
        {models.map((model) => (
          <option key={model} value={model}>
            {model === 'offline' ? 'offline model' : model}
          </option>
        ))}
      </select>
    </label>
  );
}

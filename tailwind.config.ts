import type { Config } from 'tailwindcss';

// Tailwind 4 reads its theme from CSS; this file (loaded by app/globals.css via @config)
// holds the few settings shared by every page.
export default {
  content: ['./app/**/*.{ts,tsx}', './components/**/*.{ts,tsx}'],
  theme: {
    extend: {
      fontFamily: {
        sans: ['ui-sans-serif', 'system-ui', 'sans-serif'],
        mono: ['ui-monospace', 'SFMono-Regular', 'Menlo', 'monospace'],
      },
    },
  },
} satisfies Config;

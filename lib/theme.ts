// The colour theme chosen on the account page: a cookie the root layout reads on every request,
// so the page arrives in its colours (no script runs before paint under the CSP's nonces). No
// cookie means the system's choice (prefers-color-scheme).

export const THEME_COOKIE = 'theme';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** The theme a cookie's value names; anything but `light` or `dark` is the system's. */
export const themeOf = (value: string | undefined): Theme => (value === 'light' || value === 'dark' ? value : 'system');

/** The class on <html> for a theme: `.light` and `.dark` win over the system's choice (app/globals.css). */
export const themeClass = (theme: Theme): string | undefined => (theme === 'system' ? undefined : theme);

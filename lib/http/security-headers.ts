// Security headers for every response (set by the router, next.config.ts), and the
// Content-Security-Policy for pages (set by the proxy).
//
// Scripts are allowed by a per-request nonce, not by 'unsafe-inline': the proxy puts the policy
// on the request too, Next.js reads the nonce from it and stamps it on its own inline and
// bootstrap scripts, and 'strict-dynamic' lets those load the page's chunks. That only works for
// pages rendered per request, which is why the root layout opts every page into dynamic
// rendering (app/layout.tsx). Injected markup without the nonce does not run.

/** Headers that cost nothing and fit every response, pages and API alike. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  // The CSP's frame-ancestors 'none' says the same to browsers that read it.
  'x-frame-options': 'DENY',
  // Nothing the app uses, except writing to the clipboard (copy buttons: keys, messages, code).
  'permissions-policy': [
    'accelerometer=()',
    'autoplay=()',
    'camera=()',
    'clipboard-read=()',
    'clipboard-write=(self)',
    'display-capture=()',
    'encrypted-media=()',
    'fullscreen=()',
    'geolocation=()',
    'gyroscope=()',
    'hid=()',
    'magnetometer=()',
    'microphone=()',
    'midi=()',
    'payment=()',
    'publickey-credentials-get=()',
    'screen-wake-lock=()',
    'serial=()',
    'usb=()',
    'xr-spatial-tracking=()',
  ].join(', '),
};

/** A fresh nonce for one page response: 128 random bits, base64. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

/**
 * The page policy. Production allows no eval and no inline code without the nonce. `next dev`
 * needs 'unsafe-eval' (React rebuilds server error stacks with eval) and inline styles (the
 * error overlay); it never gets them in a production build.
 */
export function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === 'development'): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Tailwind's stylesheet is a file; inline <style> needs the nonce (in production).
    `style-src 'self' ${dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // fetch and the SSE streams go to this origin only.
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join('; ');
}

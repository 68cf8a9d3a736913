import { z } from 'zod';

// Runs in the browser before the app starts. Pages have a Content-Security-Policy without
// 'unsafe-eval' (lib/http/security-headers.ts); zod, which the AI SDK uses to check stream
// chunks, would otherwise probe `new Function` on its first parse and trip a CSP violation.
z.config({ jitless: true });

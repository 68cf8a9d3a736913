'use client';

// First, so its patch is in place before Scalar's module adds its stylesheet.
import './csp-styles';
import { ApiReferenceReact } from '@scalar/api-reference-react';
import '@scalar/api-reference-react/style.css';
import './scalar-contrast.css';
import type { Theme } from '@/lib/theme';

/**
 * Scalar's reference of /api/openapi.json, in the app's theme. "Try it" sends requests to this
 * origin with the API key typed into the page (kept for the page's life only); nothing is fetched
 * from elsewhere: no proxy, no web fonts, no telemetry, no agent.
 */
export function ApiReference({ theme }: { theme: Theme }) {
  return (
    <ApiReferenceReact
      configuration={{
        url: '/api/openapi.json',
        withDefaultFonts: false,
        telemetry: false,
        persistAuth: false,
        showDeveloperTools: 'never',
        documentDownloadType: 'json',
        agent: { disabled: true },
        mcp: { disabled: true },
        authentication: { preferredSecurityScheme: 'apiKey' },
        ...(theme === 'system' ? {} : { forceDarkModeState: theme }),
        hideDarkModeToggle: true,
      }}
    />
  );
}

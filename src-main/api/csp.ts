/**
 * The one Content-Security-Policy both doors send with every page (Electron
 * as a response header through session.webRequest, `earmark serve` on each
 * HTML response). Scripts only from the app itself, no eval, no inline
 * script; nothing can be framed, posted or loaded from elsewhere. Inline
 * styles stay allowed: Svelte sets style attributes for bound styles.
 */
export const AUDIO_SCHEME = 'earmark-audio';
export const APP_SCHEME = 'earmark';

export const contentSecurityPolicy: string = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  `media-src 'self' blob: ${AUDIO_SCHEME}:`,
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers every HTML page gets besides the CSP. */
export const pageSecurityHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=()',
};

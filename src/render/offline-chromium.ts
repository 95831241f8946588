/**
 * Chromium switches that keep printing off the network. Headless Chromium
 * still calls home for its own services (component and extension updates,
 * account lists, network time, optimisation hints, media router, DNS
 * prefetch): about 40 DNS lookups per print. A report is one self-contained
 * file, so printing needs no network socket at all (puppeteer talks to the
 * browser over a pipe, pdf.ts). The resolver rule answers every name "not
 * found" before the resolver runs; the feature and service switches stop most
 * of the asking.
 * test/render/print-offline.test.ts traces a real print's connect() calls.
 */

/** Services that phone home, off by name (puppeteer merges these with its own --disable-features). */
const NETWORKED_FEATURES = [
  'AutofillServerCommunication',
  'CertificateTransparencyComponentUpdater',
  'DialMediaRouteProvider',
  'InterestFeedContentSuggestions',
  'MediaRouter',
  'NetworkTimeServiceQuerying',
  'OptimizationHints',
  'PrivacySandboxSettings4',
  'SafeBrowsing',
  'Translate',
];

export const OFFLINE_CHROMIUM_ARGS = [
  // No name resolves: whatever still asks (update_client, the account list) fails before the resolver
  // runs. "^NOTFOUND" is the rule's "not found" in current Chromium; the older "~NOTFOUND" is now an
  // ordinary (invalid) name that goes to the resolver, and each resolve first opens a UDP socket to
  // [2001:4860:4860::8888]:443 to learn whether IPv6 routes (2-5 per print with "~NOTFOUND"; 0 with
  // "^NOTFOUND", Chromium 156). The rule maps the proxy's 127.0.0.1 below too: nothing reaches it.
  '--host-resolver-rules=MAP * ^NOTFOUND',
  '--dns-prefetch-disable',
  // Anything that still tries HTTP(S) goes to a proxy on a closed loopback port (nothing listens on 9, discard).
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=<-loopback>',
  `--disable-features=${NETWORKED_FEATURES.join(',')}`,
  '--disable-component-update',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-sync',
  '--metrics-recording-only',
  '--no-pings',
  '--safebrowsing-disable-auto-update',
];

/** A page request printing may make: the page itself, inline data, nothing else. */
export function isOfflineRequest(url: string, pageUrl: string): boolean {
  return url === pageUrl || url.startsWith('data:') || url === 'about:blank';
}

// No browser download at install time: genreport resolves a system Chromium
// (see src/render/browser.ts), and installs one on demand only where it can.
module.exports = { skipDownload: true };

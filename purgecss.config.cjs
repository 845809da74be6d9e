// The portal's stylesheet, trimmed to the selectors and custom properties its templates use
// (`make assets`). Classes the templates build from a value are kept by pattern.
module.exports = {
  css: ["web/static/build/source/portal.css"],
  content: ["web/templates/**/*.html", "web/portal/**/*.py"],
  output: "web/static/build/",
  variables: true,
  safelist: {
    standard: [/^utrecht-button--/, /^utrecht-status-badge--/, /^utrecht-alert--/],
  },
};

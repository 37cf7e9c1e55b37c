"""The dashboard's server-rendered pages (issue 15 item 5): routers that read the report's
results through `pairaid.web.dashboard` and render `web/templates` in English or Chinese."""

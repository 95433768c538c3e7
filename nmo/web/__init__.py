"""The site as a whole, on the top floor: the home page, the role menu, the audit-log page
and the `load_directories` command that calls each app's own loader. The only app besides
`api`, `demo` and `config` that may know every other app."""

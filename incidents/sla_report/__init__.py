"""The customer SLA report: for one organisation and one month, its tickets by priority
against the contract's reaction and resolution targets, the availability of the services
the contract covers (from major-incident outage windows, in support hours) against the
availability target, and the service credit the contract's rule gives. The definitions
are the README's ("The customer SLA report")."""

"""The ticket list (/tickets/list/): every ticket, open or closed, narrowed by a
filter form, sorted by a column, paged by keyset; saved under a name for oneself or a
support group; exported as CSV. The filter's query string is the one definition of a
list: the page, its saved views, their counts and the export all read it."""

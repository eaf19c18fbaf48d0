"""Framework rules (CF0xx): what sendmail's config reader rejects or reads otherwise, what
cflint could not read, and the inline suppressions. One module per rule."""

"""Business logic as plain functions: verb_noun(*, session, ...). No request, g or flash here."""

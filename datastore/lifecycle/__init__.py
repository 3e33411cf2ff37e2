"""Account lifecycle: the purge of a deleted account from every store, and its verification."""

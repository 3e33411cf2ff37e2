"""People: profiles, friendships, blocks, presence and activities."""

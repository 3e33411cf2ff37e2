"""The assistant: questions answered from my own journal and notes."""

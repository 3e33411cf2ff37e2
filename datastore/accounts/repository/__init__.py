"""Repositories of accounts: users in PostgreSQL, device sessions in DynamoDB."""

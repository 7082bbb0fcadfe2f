"""The API's routes (and the token pages of the account menu, in account.py)."""

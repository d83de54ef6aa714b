"""Workflows as plain ``async def`` code, replayed deterministically from SWF history."""

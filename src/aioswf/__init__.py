"""aioswf: the async-first Python SDK for Amazon Simple Workflow (SWF)."""

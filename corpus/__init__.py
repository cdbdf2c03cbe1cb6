"""Articles: ingestion (files, feeds, pages), cleaning, deduplication and the store.

This package knows nothing of digests or chat platforms."""

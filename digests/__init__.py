"""Digests: sentence segmentation, story clustering, cited multi-document summaries.

Pure computation over article objects: no network and no database session in here."""

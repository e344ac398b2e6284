"""Issued documents: the engine's seam for numbered, signed certificates.

An app registers a kind (``kinds.IssuedKind``: its code, label, number format
and how to find and describe its documents); the engine then gives it a
gap-free number series per issuing organisation (``numbering``), a signer per
issuing organisation (``signers``), one PDF renderer (``pdf``), and one public
verification page and PDF check for every kind (``views``).
"""

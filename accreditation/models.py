"""Accreditation: instruments, applications, scores and decisions."""

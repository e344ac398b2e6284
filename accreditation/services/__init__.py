"""Every write of the accreditation app."""
